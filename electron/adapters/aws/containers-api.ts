// RegisterUsage over the AWS SDK, failures through the one error mapper.
import { RegisterUsageCommand } from '@aws-sdk/client-marketplace-metering';
import type { ContainersApi } from '../../services/containers/containers';
import type { AwsClientFactory } from './clients';
import { mapAwsError } from './error-map';

export function createContainersApi(aws: AwsClientFactory): ContainersApi {
  return {
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
        throw mapAwsError(error, { operation: 'RegisterUsage', region: target.region });
      } finally {
        client.destroy();
      }
    },
  };
}
