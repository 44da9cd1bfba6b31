// SigV4 verification (AWS4-HMAC-SHA256, header form). The signature is recomputed with node:crypto
// from the raw request, so a wrong secret, a tampered body or a wrong service scope fails the same
// way it does against AWS.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SandboxApiError } from './errors';

export type SigningCredential = {
  secretAccessKey: string;
  /** Temporary (STS-style) keys must present this in x-amz-security-token. */
  sessionToken?: string;
  /** Epoch ms; temporary keys stop working after it. */
  expiresAt?: number;
};

export type SignedRequest = {
  method: string;
  /** Raw request target (path + query) as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
};

export type VerifiedSignature = { accessKeyId: string; region: string; service: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
/** AWS rejects signatures more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60_000;

const signingKeyCache = new Map<string, Buffer>();

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${date}\n${region}\n${service}`;
  const cached = signingKeyCache.get(cacheKey);
  if (cached) return cached;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  if (signingKeyCache.size > 256) signingKeyCache.clear();
  signingKeyCache.set(cacheKey, key);
  return key;
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalUri(path: string): string {
  // Non-S3 services sign the path URI-encoded once more (the SDK does the same).
  const encoded = path
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
  return encoded === '' ? '/' : encoded;
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = decodeURIComponent(eq === -1 ? part : part.slice(0, eq));
      const value = eq === -1 ? '' : decodeURIComponent(part.slice(eq + 1));
      return [rfc3986(key), rfc3986(value)] as const;
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

function invalidSignature(message: string): SandboxApiError {
  return new SandboxApiError('InvalidSignatureException', message, 403);
}

/**
 * Verifies a SigV4-signed request for `expectedService` in one of `servedRegions`. Throws a
 * SandboxApiError shaped like AWS's answer; returns who signed it and for which region.
 * `wallClockMs` is the real clock (the SDK signs with it even when the sandbox fakes "now").
 */
export function verifySigV4(
  request: SignedRequest,
  lookup: (accessKeyId: string) => SigningCredential | undefined,
  expectedService: string,
  servedRegions: readonly string[],
  wallClockMs: number,
): VerifiedSignature {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) {
    throw new SandboxApiError(
      'MissingAuthenticationTokenException',
      'Request is missing Authentication Token',
      403,
    );
  }
  const m =
    /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/.exec(
      authorization,
    );
  if (!m) {
    throw new SandboxApiError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' with algorithm ${ALGORITHM}.`,
      403,
    );
  }
  const [, credential = '', signedHeadersList = '', signature = ''] = m;
  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    throw new SandboxApiError(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      403,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = ''] = scopeParts;

  const key = lookup(accessKeyId);
  if (!key) {
    throw new SandboxApiError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
      403,
    );
  }
  const sessionToken = headerValue(request.headers, 'x-amz-security-token');
  if (key.sessionToken !== undefined || sessionToken !== undefined) {
    if (key.sessionToken !== sessionToken) {
      throw new SandboxApiError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        403,
      );
    }
    if (key.expiresAt !== undefined && wallClockMs >= key.expiresAt) {
      throw new SandboxApiError(
        'ExpiredTokenException',
        'The security token included in the request is expired',
        403,
      );
    }
  }
  if (service !== expectedService) {
    throw invalidSignature(
      `Credential should be scoped to correct service: '${expectedService}'. `,
    );
  }
  if (!servedRegions.includes(region)) {
    // What a regional AWS endpoint answers to a scope for another region.
    throw invalidSignature(`Credential should be scoped to a valid region, not '${region}'. `);
  }

  const amzDate = headerValue(request.headers, 'x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || !amzDate.startsWith(scopeDate)) {
    throw invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}'`,
    );
  }
  if (Math.abs(wallClockMs - signedAt) > MAX_SKEW_MS) {
    throw invalidSignature(
      `Signature expired: ${amzDate} is now earlier or later than the allowed 15 minute window.`,
    );
  }

  const signedHeaders = signedHeadersList.split(';');
  if (!signedHeaders.includes('host')) {
    throw invalidSignature("'Host' must be a signed header.");
  }
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${(headerValue(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const q = request.url.indexOf('?');
  const path = q === -1 ? request.url : request.url.slice(0, q);
  const query = q === -1 ? '' : request.url.slice(q + 1);
  // Hash the bytes actually received: a body altered after signing cannot match.
  const payloadHash = createHash('sha256').update(request.body).digest('hex');
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    canonicalHeaders,
    signedHeadersList,
    payloadHash,
  ].join('\n');
  const stringToSign = [
    ALGORITHM,
    amzDate,
    `${scopeDate}/${region}/${service}/aws4_request`,
    createHash('sha256').update(canonicalRequest, 'utf8').digest('hex'),
  ].join('\n');
  const expected = createHmac('sha256', signingKey(key.secretAccessKey, scopeDate, region, service))
    .update(stringToSign, 'utf8')
    .digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return { accessKeyId, region, service };
}
