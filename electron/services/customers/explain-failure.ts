// A failed ResolveCustomer in plain words: what happened, why, and the next step. The one case
// that needs more than the mapped error is ExpiredTokenException, which AWS uses both for an
// expired registration token (the buyer must click again) and for the seller's own expired
// session credentials (the seller must log in again): the HTTP status, AWS's message and another
// call on the same credentials tell them apart (AWS-FACTS §0.1).
import type { ResolveFailure } from '../../../shared/channels/customers';
import { awsErrorDetails } from '../../../shared/aws/aws-error';
import { AppError, isAppError } from '../../../shared/errors';
import { diagnoseToken } from '../../../shared/tokens';

/** What another call on the same credentials (STS GetCallerIdentity) answered. */
export type CredentialsCheck = { ok: true } | { ok: false; error: AppError };

type Base = Pick<ResolveFailure, 'code' | 'retryable' | 'raw'>;

const BUYER_CLICKS_AGAIN =
  'Ask the buyer to click “Set up your account” again on the product’s AWS Marketplace page; that posts a fresh token. Resolve it straight away.';

/** The lines that show how the two meanings of ExpiredTokenException were told apart. */
function expiryEvidence(appError: AppError, check: CredentialsCheck | undefined): string[] {
  const aws = awsErrorDetails(appError);
  const status = aws.httpStatusCode;
  const statusNote =
    status === 400
      ? ' — the status of an expired registration token (expired session credentials answer 403)'
      : status === 403
        ? ' — the status of expired session credentials (an expired registration token answers 400)'
        : '';
  const lines = [
    `AWS answered ExpiredTokenException with HTTP ${status === undefined ? 'status unknown' : String(status)}${statusNote}.`,
  ];
  if (aws.message !== undefined) lines.push(`AWS’s message: “${aws.message}”.`);
  if (check?.ok === true) {
    lines.push(
      'STS GetCallerIdentity with the same credentials succeeded right after, so the credentials still work.',
    );
  } else if (check?.ok === false && check.error.code === 'CREDENTIALS_EXPIRED') {
    lines.push(
      'STS GetCallerIdentity with the same credentials failed too: the credentials have expired.',
    );
  } else if (check?.ok === false) {
    lines.push(`The credentials could not be checked with another call: ${check.error.message}`);
  }
  return lines;
}

/** Another call decides when it was definite; otherwise the status and message do. */
function sessionExpired(appError: AppError, check: CredentialsCheck | undefined): boolean {
  if (check?.ok === true) return false;
  if (check?.ok === false && check.error.code === 'CREDENTIALS_EXPIRED') return true;
  return appError.code === 'CREDENTIALS_EXPIRED';
}

function expiredTokenFailure(
  appError: AppError,
  base: Base,
  check: CredentialsCheck | undefined,
): ResolveFailure {
  const evidence = expiryEvidence(appError, check);
  if (sessionExpired(appError, check)) {
    const login =
      (check?.ok === false ? check.error.hint : undefined) ??
      (appError.code === 'CREDENTIALS_EXPIRED' ? appError.hint : undefined) ??
      'Refresh the connection’s credentials in Connections.';
    return {
      ...base,
      code: 'CREDENTIALS_EXPIRED',
      kind: 'credentials',
      title: 'This connection’s credentials have expired — not the buyer’s registration token.',
      message:
        'AWS refused the call before looking at the token, because the session credentials that signed it have expired. The buyer does not need to do anything.',
      nextStep: `${login} Resolve the same token again afterwards; only if it has expired by then, ask the buyer for a fresh one.`,
      evidence,
      retryable: true,
    };
  }
  return {
    ...base,
    code: 'AWS_REJECTED',
    kind: 'expired',
    title: 'The registration token has expired.',
    message:
      'Tokens are short-lived: a slow redirect, the buyer submitting the page again, or waiting too long before resolving makes them expire.',
    nextStep: BUYER_CLICKS_AGAIN,
    evidence,
    retryable: false,
  };
}

function invalidTokenFailure(base: Base, token: string): ResolveFailure {
  const diagnosis = diagnoseToken(token);
  const suspicious =
    diagnosis.looksTruncated || diagnosis.looksDoubleDecoded || diagnosis.looksStillEncoded;
  return {
    ...base,
    kind: 'invalid',
    title: 'AWS does not recognise this registration token.',
    message: suspicious
      ? 'The token looks damaged in transit (see the checks below), which is the usual cause.'
      : 'The token looks intact, so either it was changed somewhere on the way, or it belongs to a product this seller account did not publish.',
    nextStep: suspicious
      ? 'Get the token again exactly as the buyer’s browser posted it (the whole form body is best), decoded exactly once.'
      : 'Check that the active connection is the seller account that published the product; if it is, ask the buyer to click “Set up your account” again for a fresh token.',
    diagnosis,
    retryable: false,
  };
}

/** Failures that the error code alone explains. */
function byCode(appError: AppError, base: Base): ResolveFailure {
  switch (appError.code) {
    case 'AWS_ACCESS_DENIED':
      return {
        ...base,
        kind: 'access-denied',
        title: 'This connection is not allowed to resolve registration tokens.',
        message: appError.message,
        nextStep:
          'ResolveCustomer must be called from the seller account that published the product, by an identity with the IAM permission aws-marketplace:ResolveCustomer. Switch to that account’s connection, or ask your AWS administrator for the permission.',
      };
    case 'AWS_THROTTLED':
      return {
        ...base,
        kind: 'throttled',
        title: 'AWS is limiting the rate of ResolveCustomer calls.',
        message: appError.message,
        nextStep:
          'Wait a few seconds and resolve again; the token stays valid for a while. If it keeps happening, another tool is probably calling ResolveCustomer from the same account and region.',
        retryable: true,
      };
    case 'CREDENTIALS_MISSING':
    case 'CREDENTIALS_EXPIRED':
    case 'CREDENTIALS_INVALID':
      return {
        ...base,
        kind: 'credentials',
        title: 'The connection’s credentials could not be used.',
        message: appError.message,
        nextStep: appError.hint ?? 'Refresh the connection’s credentials in Connections.',
      };
    case 'NETWORK':
      return {
        ...base,
        kind: 'network',
        title: 'AWS could not be reached.',
        message: appError.message,
        nextStep: appError.hint ?? 'Check the network connection, then resolve again.',
      };
    case 'AWS_UNAVAILABLE':
      return {
        ...base,
        kind: 'aws-unavailable',
        title: 'AWS had an internal error.',
        message: appError.message,
        nextStep: 'This is on AWS’s side and usually passes; resolve again in a moment.',
      };
    default:
      return {
        ...base,
        kind: 'other',
        title: 'The token could not be resolved.',
        message: appError.message,
        nextStep: appError.hint ?? 'Open the technical details and forward them to an engineer.',
      };
  }
}

/**
 * Turns a failed ResolveCustomer into what happened and what to do next. `check` is what
 * another call on the same credentials answered, when the caller made one.
 */
export function explainResolveFailure(
  error: unknown,
  token: string,
  check?: CredentialsCheck,
): ResolveFailure {
  const appError = isAppError(error)
    ? error
    : new AppError('INTERNAL', error instanceof Error ? error.message : String(error));
  const name = awsErrorDetails(appError).name;
  const base: Base = {
    code: appError.code,
    retryable: appError.retryable ?? false,
    raw: appError.toShape(),
  };
  if (name === 'ExpiredTokenException') return expiredTokenFailure(appError, base, check);
  if (name === 'InvalidTokenException') return invalidTokenFailure(base, token);
  if (name === 'DisabledApiException') {
    return {
      ...base,
      kind: 'disabled-api',
      title: 'ResolveCustomer is not enabled for this product in this region.',
      message: appError.message,
      nextStep:
        'Switch the connection to the region where the product is registered (usually us-east-1), or ask AWS Marketplace Seller Operations to enable the region.',
      retryable: false,
    };
  }
  return byCode(appError, base);
}

/** Whether a failure is worth checking the credentials with another call. */
export function needsCredentialsCheck(error: unknown): boolean {
  return awsErrorDetails(error).name === 'ExpiredTokenException';
}
