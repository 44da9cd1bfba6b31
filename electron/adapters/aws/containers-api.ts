// RegisterUsage and the caller's identity over the AWS SDK, failures through the one error mapper.
import { RegisterUsageCommand } from '@aws-sdk/client-marketplace-metering';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ContainersApi } from '../../services/containers/containers';
import type { AwsClientFactory } from './clients';
import { mapAwsError } from './error-map';

export function createContainersApi(aws: AwsClientFactory): ContainersApi {
  return {
    async callerIdentity(target) {
      const sts = aws.sts(target);
      try {
        const who = await sts.send(new GetCallerIdentityCommand({}));
        return { arn: who.Arn ?? '', account: who.Account ?? '' };
      } catch (error) {
        throw mapAwsError(error, {
          operation: 'GetCallerIdentity',
          region: target.region,
          ...(target.profile === undefined ? {} : { profile: target.profile }),
        });
      } finally {
        sts.destroy();
      }
    },
    async registerUsage(target, input) {
      const client = aws.metering(target);
      try {
        const out = await client.send(
          new RegisterUsageCommand({
            ProductCode: input.productCode,
            PublicKeyVersion: input.publicKeyVersion,
            ...(input.nonce === undefined ? {} : { Nonce: input.nonce }),
          }),
        );
        return {
          signature: out.Signature ?? '',
          ...(out.PublicKeyRotationTimestamp === undefined
            ? {}
            : { publicKeyRotationTimestamp: out.PublicKeyRotationTimestamp }),
        };
      } catch (error) {
        throw mapAwsError(error, {
          operation: 'RegisterUsage',
          region: target.region,
          ...(target.profile === undefined ? {} : { profile: target.profile }),
        });
      } finally {
        client.destroy();
      }
    },
  };
}
