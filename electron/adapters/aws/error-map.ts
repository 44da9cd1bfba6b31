// The one place that turns AWS SDK errors into app errors: a code, a plain-language
// explanation, the next step, whether retrying can help, and the raw error for engineers.
// Every AWS call site maps its failures here; services decide on the code (AWS_THROTTLED,
// NETWORK, AWS_UNAVAILABLE…) and read the AWS name back with shared/aws/aws-error.ts.
import type { AwsErrorDetails } from '../../../shared/aws/aws-error';
import { AppError, type ErrorCode } from '../../../shared/errors';

export type AwsCallContext = {
  /** e.g. BatchMeterUsage, LookupEvents, GetCallerIdentity. */
  operation: string;
  region?: string;
  /** Profile name, when the connection is a profile (for `aws sso login --profile`). */
  profile?: string;
};

type Explanation = { code: ErrorCode; message: string; hint?: string; retryable: boolean };

const iamAction: Record<string, string> = {
  BatchMeterUsage: 'aws-marketplace:BatchMeterUsage',
  MeterUsage: 'aws-marketplace:MeterUsage',
  ResolveCustomer: 'aws-marketplace:ResolveCustomer',
  RegisterUsage: 'aws-marketplace:RegisterUsage',
  LookupEvents: 'cloudtrail:LookupEvents',
  GetCallerIdentity: 'sts:GetCallerIdentity',
  AssumeRole: 'sts:AssumeRole',
  SearchAgreements: 'aws-marketplace:SearchAgreements',
  GetAgreementTerms: 'aws-marketplace:GetAgreementTerms',
  ListAgreementInvoiceLineItems: 'aws-marketplace:ListAgreementInvoiceLineItems',
  BatchCreateBillingAdjustmentRequest: 'aws-marketplace:BatchCreateBillingAdjustmentRequest',
  GetBillingAdjustmentRequest: 'aws-marketplace:GetBillingAdjustmentRequest',
};

/** The SDK's throttling names (AWS-FACTS §3.3) and the other spellings AWS services use. */
const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** Answers that mean "AWS did not manage this time": retrying the same call can succeed. */
const transientNames = new Set([
  'InternalServiceErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
]);

/** Timeouts: the call may or may not have reached AWS. */
const timeoutNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

type Rejection = {
  /** A fixed text, or one that names the call's operation and region. */
  message: string | ((where: string) => string);
  hint?: string;
};

/** Modelled service errors that reject the request: what they mean, in plain words. */
const rejections: Record<string, Rejection> = {
  InvalidProductCodeException: {
    message: 'AWS does not recognise this product code for the seller account.',
    hint: 'Check the product code in the catalog against the AWS Marketplace Management Portal.',
  },
  InvalidUsageDimensionException: {
    message: 'A dimension is not one of the product’s dimensions, so AWS rejected the whole call.',
    hint: 'Dimension names are case-sensitive; pick them from the product catalog.',
  },
  InvalidTagException: {
    message: 'An allocation tag is invalid, or a record has more than 5 tags.',
    hint: 'Tag keys and values may use letters, digits, spaces and + - = . _ : / @ only.',
  },
  InvalidUsageAllocationsException: {
    message: 'The allocated quantities of a record do not add up to its quantity.',
    hint: 'Make the allocations sum exactly to the record’s quantity.',
  },
  InvalidCustomerIdentifierException: {
    message: 'A CustomerIdentifier does not exist.',
    hint: 'Resolve the buyer’s registration token again to get the right identifier.',
  },
  InvalidLicenseException: {
    message:
      'A LicenseArn is invalid, does not belong to the customer, or the usage is outside the license’s active period.',
    hint: 'Use the LicenseArn that ResolveCustomer returned for this customer.',
  },
  TimestampOutOfBoundsException: {
    message:
      'A record’s usage hour is outside the window AWS accepts, so the whole call was rejected.',
    hint: 'BatchMeterUsage accepts records up to 24 hours old (until 06:00 UTC on the 1st for the previous month); MeterUsage up to 6 hours. Late usage needs a refund or a manual adjustment through AWS Marketplace.',
  },
  DisabledApiException: {
    message: (where) => `This API is not enabled for the product${where}.`,
    hint: 'Switch to the region where the product meters (top bar), or ask AWS Marketplace Seller Operations to enable this region.',
  },
  DuplicateRequestException: {
    message:
      'This instance, task or pod already metered this hour and dimension with a different quantity; the first quantity stands.',
    hint: 'AWS counts one report per hour and dimension for each EC2 instance, ECS task or EKS pod. Over-billing is corrected with a refund, not by metering again.',
  },
  IdempotencyConflictException: {
    message: 'The same client token was used earlier with different parameters.',
  },
  CustomerNotEntitledException: {
    message: 'The calling account has no valid subscription to this product.',
    hint: 'MeterUsage and RegisterUsage run in the buyer’s account: the buyer must subscribe to the product first.',
  },
  InvalidEndpointRegionException: {
    message: (where) =>
      `MeterUsage was sent${where}, but the instance, task or pod runs in another region; the two must match.`,
    hint: 'Switch the region in the top bar to the one where the instance, task or pod runs, then send again.',
  },
  InvalidRegionException: {
    message: (where) =>
      `RegisterUsage was called${where}, but the task or pod was launched in another region; it must be called there.`,
    hint: 'Switch the region in the top bar to the one the task or pod was launched in, then call again.',
  },
  InvalidPublicKeyVersionException: {
    message: 'The public key version is not valid.',
    hint: 'Use the key version AWS Marketplace gave you (1 in the documentation).',
  },
  PlatformNotSupportedException: {
    message:
      'AWS Marketplace does not support RegisterUsage from this platform: only Amazon ECS, Amazon EKS and AWS Fargate.',
    hint: 'Run the container on ECS, EKS or Fargate. Software on an EC2 instance (an AMI product) meters with MeterUsage instead.',
  },
  InvalidTokenException: {
    message: 'AWS does not recognise this registration token.',
    hint: 'Check that the whole token was copied and decoded exactly once.',
  },
  InvalidLookupAttributesException: {
    message: 'CloudTrail rejected the lookup filter.',
  },
  InvalidTimeRangeException: {
    message: 'CloudTrail rejected the time range (the start must be before the end).',
  },
  InvalidNextTokenException: {
    message: 'CloudTrail rejected the page token; the search parameters changed while paging.',
    hint: 'Start the sync again; it resumes from what is already cached.',
  },
  InvalidMaxResultsException: { message: 'CloudTrail rejected the page size (1 to 50).' },
  DryRunOperation: {
    message: 'Dry run succeeded: you have permission, and nothing was metered.',
  },
};

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown; requestId?: unknown; attempts?: unknown };
  cause?: unknown;
};

/**
 * ExpiredTokenException names two different things (AWS-FACTS §0.1): ResolveCustomer's expired
 * registration token (modelled, HTTP 400) and expired STS session credentials (any signed call,
 * 403, "The security token included in the request is expired"). Only ResolveCustomer models the
 * first, so on any other call it is the session; on ResolveCustomer the status and the message
 * tell them apart. A caller that can also try another call on the same credentials should.
 */
export function expiredTokenMeaning(
  operation: string,
  status: number | undefined,
  message: string,
): 'registration-token' | 'session-credentials' {
  if (operation !== 'ResolveCustomer') return 'session-credentials';
  if (status === 403) return 'session-credentials';
  if (/security token|session token|credential/i.test(message)) return 'session-credentials';
  return 'registration-token';
}

const expiredTokenNames = new Set(['ExpiredTokenException', 'ExpiredToken']);

function field(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The raw error, for the engineer the user forwards it to. Never includes credentials. */
export function rawAwsError(error: unknown): AwsErrorDetails {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as ErrorLike;
  const raw: AwsErrorDetails = {};
  const name = field(e.name);
  const message = field(e.message);
  const code = field(e.code) ?? field((e.cause as ErrorLike | undefined)?.code);
  if (name !== undefined) raw.name = name;
  if (message !== undefined) raw.message = message;
  if (code !== undefined) raw.code = code;
  if (e.$fault !== undefined) raw.fault = e.$fault;
  if (e.$metadata) {
    if (typeof e.$metadata.httpStatusCode === 'number') {
      raw.httpStatusCode = e.$metadata.httpStatusCode;
    }
    if (typeof e.$metadata.requestId === 'string') raw.requestId = e.$metadata.requestId;
    if (typeof e.$metadata.attempts === 'number') raw.attempts = e.$metadata.attempts;
  }
  return raw;
}

function explain(error: unknown, context: AwsCallContext): Explanation {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  const name = field(e.name) ?? '';
  const message = field(e.message) ?? '';
  const nodeCode = field(e.code) ?? field((e.cause as ErrorLike | undefined)?.code) ?? '';
  const status =
    typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const action = iamAction[context.operation] ?? context.operation;
  const where = context.region ? ` in ${context.region}` : '';
  const loginHint = context.profile
    ? `Run \`aws sso login --profile ${context.profile}\` (or refresh the role session), then retry.`
    : 'Refresh the credentials of this connection, then retry.';

  if (
    expiredTokenNames.has(name) &&
    expiredTokenMeaning(context.operation, status, message) === 'registration-token'
  ) {
    return {
      code: 'AWS_REJECTED',
      message: 'The registration token has expired.',
      hint: 'Ask the buyer to click “Set up your account” again in AWS Marketplace for a fresh token, and resolve it straight away.',
      retryable: false,
    };
  }
  if (throttlingNames.has(name) || status === 429) {
    return {
      code: 'AWS_THROTTLED',
      message: `AWS is limiting the rate of ${context.operation} calls${where}.`,
      hint: 'Meterdesk paces its calls and retries; if this persists, another tool may be using the same account and region.',
      retryable: true,
    };
  }
  if (
    expiredTokenNames.has(name) ||
    name === 'RequestExpired' ||
    /expired|refresh.*token|sso session/i.test(name === 'CredentialsProviderError' ? message : '')
  ) {
    return {
      code: 'CREDENTIALS_EXPIRED',
      message: 'The credentials of this connection have expired.',
      hint: loginHint,
      retryable: true,
    };
  }
  if (name === 'CredentialsProviderError') {
    return {
      code: 'CREDENTIALS_MISSING',
      message: `No usable credentials were found: ${message}`,
      hint: 'Check the profile in your AWS config, or add the connection again.',
      retryable: false,
    };
  }
  if (
    name === 'UnrecognizedClientException' ||
    name === 'InvalidClientTokenId' ||
    name === 'InvalidSignatureException' ||
    name === 'SignatureDoesNotMatch' ||
    name === 'IncompleteSignature'
  ) {
    return {
      code: 'CREDENTIALS_INVALID',
      message: `AWS did not accept the credentials (${name}).`,
      hint: 'Check the access key id and secret, or the profile, of this connection.',
      retryable: false,
    };
  }
  if (
    name === 'AccessDeniedException' ||
    name === 'AccessDenied' ||
    name === 'UnauthorizedException' ||
    name === 'UnauthorizedOperation' ||
    status === 403
  ) {
    return {
      code: 'AWS_ACCESS_DENIED',
      // UnauthorizedException is how MeterUsage answers a DryRun without the permission.
      message:
        name === 'UnauthorizedException'
          ? `The dry run found that this connection may not call ${context.operation}${where}.`
          : `This connection is not allowed to call ${context.operation}${where}.`,
      hint:
        context.operation === 'ResolveCustomer'
          ? 'ResolveCustomer must be called from the seller account that published the product, with the IAM permission aws-marketplace:ResolveCustomer.'
          : `Grant the IAM permission ${action} to this identity.`,
      retryable: false,
    };
  }
  const rejection = rejections[name];
  if (rejection) {
    return {
      code: 'AWS_REJECTED',
      message:
        typeof rejection.message === 'function' ? rejection.message(where) : rejection.message,
      ...(rejection.hint === undefined ? {} : { hint: rejection.hint }),
      retryable: false,
    };
  }
  if (
    transientNames.has(name) ||
    e.$fault === 'server' ||
    (status !== undefined && status >= 500)
  ) {
    return {
      code: 'AWS_UNAVAILABLE',
      message: `AWS had an internal error answering ${context.operation}${where}.`,
      hint: 'This is on AWS’s side and usually passes; retry in a moment.',
      retryable: true,
    };
  }
  if (
    networkCodes.has(nodeCode) ||
    timeoutNames.has(name) ||
    /socket hang up|network|ECONN|ETIMEDOUT|ENOTFOUND/i.test(message)
  ) {
    return {
      code: 'NETWORK',
      message: `Could not reach AWS for ${context.operation}${where}.`,
      hint: 'Check the network connection (and a proxy or VPN, if you use one), then retry.',
      retryable: true,
    };
  }
  if (status !== undefined && status >= 400) {
    return {
      code: 'AWS_REJECTED',
      message: `AWS rejected ${context.operation}: ${message || name}`,
      retryable: false,
    };
  }
  return {
    code: 'INTERNAL',
    message: `${context.operation} failed unexpectedly: ${message || name || 'unknown error'}`,
    retryable: false,
  };
}

export function mapAwsError(error: unknown, context: AwsCallContext): AppError {
  if (error instanceof AppError) return error;
  const explanation = explain(error, context);
  return new AppError(explanation.code, explanation.message, {
    ...(explanation.hint === undefined ? {} : { hint: explanation.hint }),
    retryable: explanation.retryable,
    details: { operation: context.operation, region: context.region, aws: rawAwsError(error) },
    cause: error,
  });
}
