// ResolveCustomer over the AWS SDK, and STS GetCallerIdentity on the same credentials (to tell an
// expired registration token from expired credentials). Failures come back through the one error
// mapper, so the service sees an AppError with the AWS error name in its details (never the token).
import { ResolveCustomerCommand } from '@aws-sdk/client-marketplace-metering';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ResolvedCustomer } from '../../../shared/channels/customers';
import type { CredentialsCheckPort, ResolveCustomerPort } from '../../services/customers/customers';
import type { AwsClientFactory } from './clients';
import { mapAwsError } from './error-map';

export function createResolveCustomer(aws: AwsClientFactory): ResolveCustomerPort {
  return async (target, token) => {
    const client = aws.metering(target);
    try {
      const out = await client.send(new ResolveCustomerCommand({ RegistrationToken: token }));
      const customer: ResolvedCustomer = {};
      if (out.CustomerIdentifier) customer.customerIdentifier = out.CustomerIdentifier;
      if (out.CustomerAWSAccountId) customer.customerAwsAccountId = out.CustomerAWSAccountId;
      if (out.ProductCode) customer.productCode = out.ProductCode;
      if (out.LicenseArn) customer.licenseArn = out.LicenseArn;
      return customer;
    } catch (error) {
      throw mapAwsError(error, {
        operation: 'ResolveCustomer',
        region: target.region,
        ...(target.profile === undefined ? {} : { profile: target.profile }),
      });
    } finally {
      client.destroy();
    }
  };
}

/** STS GetCallerIdentity on the same credentials: cheap, always permitted, bills nothing. */
export function createCredentialsCheck(aws: AwsClientFactory): CredentialsCheckPort {
  return async (target) => {
    const sts = aws.sts(target, { maxAttempts: 1 });
    try {
      await sts.send(new GetCallerIdentityCommand({}));
      return { ok: true };
    } catch (error) {
      return {
        ok: false,
        error: mapAwsError(error, {
          operation: 'GetCallerIdentity',
          region: target.region,
          ...(target.profile === undefined ? {} : { profile: target.profile }),
        }),
      };
    } finally {
      sts.destroy();
    }
  };
}
