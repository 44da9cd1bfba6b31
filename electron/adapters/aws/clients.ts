// The one factory for AWS SDK clients: region, endpoint and credentials per connection target,
// retries configured here once. Engines that journal or pace each attempt ask for maxAttempts 1
// and retry themselves; everything else keeps the SDK's standard retries.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { MarketplaceAgreementClient } from '@aws-sdk/client-marketplace-agreement';
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsTarget } from '../../services/connections';

export type ClientOptions = {
  /** 1 = no SDK retries (the caller retries and journals each attempt). Default 3. */
  maxAttempts?: number;
};

export type AwsClientFactory = {
  metering: (target: AwsTarget, options?: ClientOptions) => MarketplaceMeteringClient;
  cloudtrail: (target: AwsTarget, options?: ClientOptions) => CloudTrailClient;
  sts: (target: AwsTarget, options?: ClientOptions) => STSClient;
  /** The Agreement API lives in us-east-1 only, whatever region the connection meters in. */
  agreement: (target: AwsTarget, options?: ClientOptions) => MarketplaceAgreementClient;
};

/** The Marketplace Agreement API's one region (agreement-marketplace.us-east-1.amazonaws.com). */
export const AGREEMENT_REGION = 'us-east-1';

function baseConfig(target: AwsTarget, options: ClientOptions = {}) {
  return {
    region: target.region,
    credentials: target.credentials,
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard' as const,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
  };
}

export function createAwsClientFactory(): AwsClientFactory {
  return {
    metering: (target, options) => new MarketplaceMeteringClient(baseConfig(target, options)),
    cloudtrail: (target, options) => new CloudTrailClient(baseConfig(target, options)),
    sts: (target, options) => new STSClient(baseConfig(target, options)),
    agreement: (target, options) =>
      new MarketplaceAgreementClient(baseConfig({ ...target, region: AGREEMENT_REGION }, options)),
  };
}
