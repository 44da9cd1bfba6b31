// ResolveCustomer over the AWS SDK. Failures come back through the one error mapper, so the
// service sees an AppError with the AWS error name in its details (never the token).
import { ResolveCustomerCommand } from '@aws-sdk/client-marketplace-metering';
import type { ResolvedCustomer } from '../../../shared/channels/customers';
import type { ResolveCustomerPort } from '../../services/customers/customers';
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
      throw mapAwsError(error, { operation: 'ResolveCustomer', region: target.region });
    } finally {
      client.destroy();
    }
  };
}
