// The sandbox's HTTP front: AWS JSON 1.1 on `POST /` routed by X-Amz-Target, SigV4-verified for
// any served region (the signing scope picks the region, as the regional endpoint does on AWS),
// with rate limits and fault injection; STS over the query protocol (form body, no X-Amz-Target);
// plus a bearer-token admin API under /_sandbox/.
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  agreementAdmin,
  agreementCall,
  agreementOperationOf,
  type AgreementOperation,
} from './agreement';
import type { AgreementBilling } from './agreement-billing';
import { addCredential, addRole } from './admin-identities';
import { isApiDisabled, parseBehaviour, type SandboxBehaviour } from './behaviour';
import { SandboxApiError } from './errors';
import { generateHistory } from './history';
import { rotateKeys, type RegisterUsageKeys } from './jwt';
import { batchMeterUsage, meterUsage, registerUsage, resolveCustomer } from './metering';
import type { MeteringContext } from './metering';
import { createRng, deriveSeed, type Rng } from './prng';
import type { RateLimiter } from './rate-limit';
import type { RegionalCloudTrail } from './regions';
import { verifySigV4 } from './sigv4';
import type { SandboxState } from './state';
import { handleSts, stsActionOf, stsErrorXml, toStsError } from './sts';
import type { MeteringCallRecord, SandboxCredential } from './types';
import { callerWorkload, WORKLOAD_HEADER } from './workload';

type MeteringOperation = MeteringCallRecord['operation'];
type Operation = MeteringOperation | 'LookupEvents' | AgreementOperation;

const METERING_PREFIX = 'AWSMPMeteringService.';
const CLOUDTRAIL_TARGETS = new Set([
  'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents',
  // What @aws-sdk/client-cloudtrail actually sends (its serviceTarget is the short form).
  'CloudTrail_20131101.LookupEvents',
]);
const METERING_OPERATIONS: readonly MeteringOperation[] = [
  'BatchMeterUsage',
  'MeterUsage',
  'ResolveCustomer',
  'RegisterUsage',
];
/** Bodies past this are cut off unread; BatchMeterUsage's own limit (< 1 MiB) is checked later. */
const MAX_BODY_BYTES = 4 * 1_048_576;
const JSON_11 = 'application/x-amz-json-1.1';
/** The Agreement API speaks AWS JSON 1.0. */
const JSON_10 = 'application/x-amz-json-1.0';

export type DenyRule = { accessKeyId?: string; action: string };

/** Fault knobs; every one optional, absent = off. Rates are probabilities in [0, 1]. */
export type Faults = {
  throttleRate?: number;
  serverErrorRate?: number;
  /** Destroy the socket before the call is applied: nothing billed, no answer. */
  dropConnectionRate?: number;
  /** Apply (bill) the call, then destroy the socket: the answer is lost, the billing is not. */
  dropAfterApplyRate?: number;
  /** BatchMeterUsage records returned in UnprocessedRecords, not billed. */
  unprocessedRate?: number;
  latencyMs?: number;
  denyActions?: DenyRule[];
};

export type ServerContext = {
  state: SandboxState;
  /** Where the sandbox keeps its files (the RegisterUsage keys, when rotated). */
  dataDir: string;
  keys: RegisterUsageKeys;
  /** One Event history per served region; its `regions` are the regions the sandbox serves. */
  cloudTrail: RegionalCloudTrail;
  limiter: RateLimiter;
  adminToken: string;
  now: () => number;
  /** Agreements, invoices and billing adjustments (the Agreement API and close-period). */
  agreements: AgreementBilling;
};

export type SandboxServer = {
  server: Server;
  faults(): Faults;
  behaviour(): SandboxBehaviour;
};

class DroppedConnection extends Error {}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  contentType = JSON_11,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  error: SandboxApiError,
  requestId: string,
  contentType = JSON_11,
): void {
  const text = JSON.stringify({ __type: error.code, message: error.message, ...error.members });
  res.writeHead(error.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': error.code,
  });
  res.end(text);
}

function sendAdmin(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap, keep draining (so a 413 can still be answered) but stop buffering.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorFrom(error: unknown): SandboxApiError {
  if (error instanceof SandboxApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SandboxApiError('InternalServiceErrorException', `Internal error: ${message}`, 500);
}

function iamAction(operation: Operation): string {
  return operation === 'LookupEvents' ? 'cloudtrail:LookupEvents' : `aws-marketplace:${operation}`;
}

/** Accepts "aws-marketplace:BatchMeterUsage", "BatchMeterUsage", or a "service:*" wildcard. */
function denies(rule: DenyRule, operation: Operation, accessKeyId: string): boolean {
  return deniesAction(rule, iamAction(operation), accessKeyId);
}

/** The same rule matched against a full IAM action such as "sts:AssumeRole". */
function deniesAction(rule: DenyRule, action: string, accessKeyId: string): boolean {
  if (rule.accessKeyId !== undefined && rule.accessKeyId !== accessKeyId) return false;
  const operation = action.slice(action.indexOf(':') + 1);
  if (rule.action === '*' || rule.action === action || rule.action === operation) return true;
  return rule.action.endsWith(':*') && action.startsWith(rule.action.slice(0, -1));
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  res.end(xml);
}

/** Query-protocol calls (STS) carry a form body and no X-Amz-Target. */
function isQueryProtocol(req: IncomingMessage): boolean {
  const contentType = req.headers['content-type'] ?? '';
  return (
    req.headers['x-amz-target'] === undefined &&
    contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')
  );
}

function parseRate(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new Error(`${name} must be a number between 0 and 1.`);
  }
  return value;
}

function parseFaults(body: Record<string, unknown>): Faults {
  const faults: Faults = {};
  for (const name of [
    'throttleRate',
    'serverErrorRate',
    'dropConnectionRate',
    'dropAfterApplyRate',
    'unprocessedRate',
  ] as const) {
    const rate = parseRate(body[name], name);
    if (rate !== undefined && rate > 0) faults[name] = rate;
  }
  const latency = body.latencyMs;
  if (latency !== undefined && latency !== null) {
    if (typeof latency !== 'number' || !(latency >= 0 && latency <= 60_000)) {
      throw new Error('latencyMs must be a number between 0 and 60000.');
    }
    if (latency > 0) faults.latencyMs = latency;
  }
  const deny = body.denyActions;
  if (deny !== undefined && deny !== null) {
    if (!Array.isArray(deny)) throw new Error('denyActions must be a list.');
    faults.denyActions = deny.map((rule: unknown): DenyRule => {
      if (!isRecord(rule) || typeof rule.action !== 'string' || rule.action === '') {
        throw new Error('Each denyActions entry needs an action.');
      }
      if (rule.accessKeyId !== undefined && typeof rule.accessKeyId !== 'string') {
        throw new Error('denyActions[].accessKeyId must be a string.');
      }
      return {
        action: rule.action,
        ...(typeof rule.accessKeyId === 'string' ? { accessKeyId: rule.accessKeyId } : {}),
      };
    });
    if (faults.denyActions.length === 0) delete faults.denyActions;
  }
  return faults;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function createSandboxServer(ctx: ServerContext): SandboxServer {
  let faults: Faults = {};
  // Fault decisions come from a seeded stream, re-seeded whenever faults change, so a test that
  // sets a rate sees the same sequence of hits on every run.
  let faultRng: Rng = createRng(deriveSeed(ctx.state.seed, 'faults'));
  let behaviour: SandboxBehaviour = {};
  const hit = (rate: number | undefined): boolean => rate !== undefined && faultRng.next() < rate;

  const credentialOf = (accessKeyId: string): SandboxCredential | undefined =>
    ctx.state.credential(accessKeyId);

  async function handleAws(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const requestId = randomUUID();
    const target = req.headers['x-amz-target'];
    let operation: Operation | undefined;
    if (typeof target === 'string') {
      if (target.startsWith(METERING_PREFIX)) {
        const name = target.slice(METERING_PREFIX.length);
        operation = METERING_OPERATIONS.find((op) => op === name);
      } else if (CLOUDTRAIL_TARGETS.has(target)) {
        operation = 'LookupEvents';
      } else {
        operation = agreementOperationOf(target);
      }
    }
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      sendError(
        res,
        new SandboxApiError('UnknownOperationException', 'Only POST / is served.', 404),
        requestId,
      );
      return;
    }
    if (!operation) {
      sendError(
        res,
        new SandboxApiError(
          'UnknownOperationException',
          `Unknown operation ${typeof target === 'string' ? target : '(no X-Amz-Target)'}.`,
          400,
        ),
        requestId,
      );
      return;
    }
    const isCloudTrail = operation === 'LookupEvents';
    const agreementOperation =
      typeof target === 'string' ? agreementOperationOf(target) : undefined;
    const contentType = agreementOperation ? JSON_10 : JSON_11;

    let identity: SandboxCredential;
    let region: string;
    try {
      const verified = verifySigV4(
        { method: req.method, url: req.url ?? '/', headers: req.headers, body },
        credentialOf,
        isCloudTrail ? 'cloudtrail' : 'aws-marketplace',
        ctx.cloudTrail.regions,
        Date.now(),
      );
      const found = credentialOf(verified.accessKeyId);
      if (!found) throw new SandboxApiError('UnrecognizedClientException', 'Unknown key.', 403);
      identity = found;
      region = verified.region;
    } catch (error) {
      // Unauthenticated calls have no identity to log, so they never reach CloudTrail.
      sendError(res, errorFrom(error), requestId);
      return;
    }

    let request: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
      if (!isRecord(parsed)) throw new Error('not an object');
      request = parsed;
    } catch {
      sendError(
        res,
        new SandboxApiError(
          'SerializationException',
          'The request body is not a JSON object.',
          400,
        ),
        requestId,
      );
      return;
    }

    const time = ctx.now();
    const trail = ctx.cloudTrail.store(region);
    if (!trail) throw new Error(`No CloudTrail store for served region ${region}.`);
    const record = (response?: Record<string, unknown>, error?: SandboxApiError): void => {
      // Only metering calls go to the metering audit trail the app reads.
      if (isCloudTrail || agreementOperation) return;
      try {
        recordCall(response, error);
      } catch (recordError) {
        // Auditing must never change the answer to a call that was already applied.
        process.stderr.write(`sandbox: CloudTrail record failed: ${String(recordError)}\n`);
      }
    };
    const recordCall = (response?: Record<string, unknown>, error?: SandboxApiError): void => {
      const userAgent = req.headers['user-agent'] ?? req.headers['x-amz-user-agent'];
      trail.record({
        operation: operation as MeteringOperation,
        request,
        ...(response ? { response } : {}),
        ...(error ? { error: { code: error.code, message: error.message } } : {}),
        identity,
        region,
        time,
        sourceIpAddress: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: Array.isArray(userAgent) ? userAgent.join(' ') : (userAgent ?? ''),
        requestId,
      });
    };

    try {
      if (faults.latencyMs !== undefined) await sleep(faults.latencyMs);
      if (faults.denyActions?.some((rule) => denies(rule, operation, identity.accessKeyId))) {
        // A MeterUsage dry run without permission is UnauthorizedException (AWS-FACTS §1.4).
        const dryRun = operation === 'MeterUsage' && request.DryRun === true;
        throw new SandboxApiError(
          dryRun ? 'UnauthorizedException' : 'AccessDeniedException',
          `User: ${identity.arn} is not authorized to perform: ${iamAction(operation)} because no identity-based policy allows the ${iamAction(operation)} action`,
          403,
        );
      }
      if (isApiDisabled(behaviour, region, operation)) {
        // The model's own words for DisabledApiException.
        throw new SandboxApiError(
          'DisabledApiException',
          'The API is disabled in the Region.',
          400,
        );
      }
      const throttled = new SandboxApiError(
        'ThrottlingException',
        'Rate exceeded',
        // Metering models ThrottlingException as a 400 client error; CloudTrail's and the
        // Agreement API's shapes are 429.
        isCloudTrail || agreementOperation ? 429 : 400,
      );
      // AWS publishes no Agreement API rates, so the sandbox limits only the metering APIs.
      const limitedApi =
        METERING_OPERATIONS.find((op) => op === operation) ??
        (operation === 'LookupEvents' ? operation : undefined);
      if (limitedApi && !ctx.limiter.take(limitedApi, identity.accessKeyId, region))
        throw throttled;
      if (hit(faults.throttleRate)) throw throttled;
      if (hit(faults.serverErrorRate)) {
        throw new SandboxApiError(
          agreementOperation ? 'InternalServerException' : 'InternalServiceErrorException',
          'An internal error occurred (injected fault).',
          500,
        );
      }
      if (hit(faults.dropConnectionRate)) throw new DroppedConnection();

      let response: Record<string, unknown>;
      if (agreementOperation) {
        response = agreementCall(
          { billing: ctx.agreements, callerAccountId: identity.accountId, now: time },
          agreementOperation,
          request,
        );
      } else if (isCloudTrail) {
        response = trail.lookup(request);
      } else {
        const meteringCtx: MeteringContext = {
          state: ctx.state,
          keys: ctx.keys,
          identity,
          region,
          // Only the calls made from a workload read the header.
          workload: callerWorkload(
            identity,
            operation === 'MeterUsage' || operation === 'RegisterUsage'
              ? req.headers[WORKLOAD_HEADER]
              : undefined,
          ),
          behaviour,
          now: time,
          requestBytes: body.length,
          unprocessed: () => hit(faults.unprocessedRate),
        };
        switch (operation) {
          case 'BatchMeterUsage':
            response = batchMeterUsage(meteringCtx, request);
            break;
          case 'MeterUsage':
            response = meterUsage(meteringCtx, request);
            break;
          case 'ResolveCustomer':
            response = resolveCustomer(meteringCtx, request);
            break;
          default:
            response = registerUsage(meteringCtx, request);
        }
      }
      record(response);
      if (hit(faults.dropAfterApplyRate)) {
        req.socket.destroy();
        return;
      }
      send(res, 200, response, requestId, contentType);
    } catch (error) {
      if (error instanceof DroppedConnection) {
        req.socket.destroy();
        return;
      }
      const apiError = errorFrom(error);
      record(undefined, apiError);
      sendError(res, apiError, requestId, contentType);
    }
  }

  async function handleStsRequest(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
  ): Promise<void> {
    const requestId = randomUUID();
    const fail = (error: SandboxApiError): void =>
      sendXml(res, error.status, stsErrorXml(error, requestId), requestId);
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      fail(new SandboxApiError('InvalidAction', 'Only POST / is served.', 400));
      return;
    }
    const params = new URLSearchParams(body.toString('utf8'));
    const action = stsActionOf(params);
    let identity: SandboxCredential;
    try {
      const verified = verifySigV4(
        { method: req.method, url: req.url ?? '/', headers: req.headers, body },
        credentialOf,
        'sts',
        ctx.cloudTrail.regions,
        Date.now(),
      );
      const found = credentialOf(verified.accessKeyId);
      if (!found) throw new SandboxApiError('UnrecognizedClientException', 'Unknown key.', 403);
      identity = found;
    } catch (error) {
      fail(toStsError(errorFrom(error)));
      return;
    }
    if (!action) {
      const named = params.get('Action') ?? '';
      fail(
        new SandboxApiError(
          'InvalidAction',
          `Could not find operation ${named} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
          400,
        ),
      );
      return;
    }
    try {
      if (faults.latencyMs !== undefined) await sleep(faults.latencyMs);
      const xml = handleSts(action, params, {
        state: ctx.state,
        identity,
        wallClock: Date.now(),
        requestId,
        denied: (iam) =>
          faults.denyActions?.some((rule) => deniesAction(rule, iam, identity.accessKeyId)) ??
          false,
      });
      sendXml(res, 200, xml, requestId);
    } catch (error) {
      fail(toStsError(errorFrom(error)));
    }
  }

  function handleAdmin(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    if (!bearerMatches(req.headers.authorization, ctx.adminToken)) {
      sendAdmin(res, 401, { message: 'Missing or wrong admin bearer token.' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    let input: Record<string, unknown> = {};
    if (body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(body.toString('utf8'));
        if (!isRecord(parsed)) throw new Error('not an object');
        input = parsed;
      } catch {
        sendAdmin(res, 400, { message: 'Body must be a JSON object.' });
        return;
      }
    }
    try {
      switch (route) {
        case 'GET /_sandbox/state': {
          const world = ctx.state.world;
          sendAdmin(res, 200, {
            seed: world.seed,
            sellerAccountId: world.sellerAccountId,
            region: world.region,
            regions: ctx.cloudTrail.regions,
            products: world.products,
            customers: world.customers.map((c) => ({
              ...c,
              subscriptions: world.subscriptions.filter(
                (s) => s.customerAwsAccountId === c.awsAccountId,
              ),
            })),
            subscriptions: world.subscriptions,
            tokens: world.tokens,
            ledger: ctx.state.ledger,
            credentials: ctx.state.credentials().map((c) => ({
              accessKeyId: c.accessKeyId,
              type: c.type,
              userName: c.userName,
              arn: c.arn,
              accountId: c.accountId,
              temporary: c.sessionToken !== undefined,
            })),
            roles: ctx.state.roles(),
            faults,
            rateLimits: ctx.limiter.config(),
            cloudTrailEvents: ctx.cloudTrail.total(),
            cloudTrailEventsByRegion: ctx.cloudTrail.counts(),
          });
          return;
        }
        case 'POST /_sandbox/reset': {
          ctx.state.reset(ctx.now());
          ctx.cloudTrail.reset();
          ctx.agreements.reset();
          faults = {};
          faultRng = createRng(deriveSeed(ctx.state.seed, 'faults'));
          behaviour = {};
          ctx.limiter.configure({});
          sendAdmin(res, 200, { ok: true });
          return;
        }
        case 'POST /_sandbox/tokens': {
          const { productCode, customerAwsAccountId, expiresInSeconds } = input;
          if (typeof productCode !== 'string' || typeof customerAwsAccountId !== 'string') {
            sendAdmin(res, 400, { message: 'productCode and customerAwsAccountId are required.' });
            return;
          }
          if (expiresInSeconds !== undefined && typeof expiresInSeconds !== 'number') {
            sendAdmin(res, 400, { message: 'expiresInSeconds must be a number.' });
            return;
          }
          const world = ctx.state.world;
          if (!world.products.some((p) => p.productCode === productCode)) {
            sendAdmin(res, 404, { message: `No product ${productCode}.` });
            return;
          }
          if (!world.customers.some((c) => c.awsAccountId === customerAwsAccountId)) {
            sendAdmin(res, 404, { message: `No customer ${customerAwsAccountId}.` });
            return;
          }
          // Base64 with '+', '/' and '=' like real tokens, to catch double URL-decoding.
          const token = randomBytes(48).toString('base64');
          // Zero or negative mints an already-expired token (for ExpiredTokenException tests).
          const expiresAt = ctx.now() + (expiresInSeconds ?? 4 * 3600) * 1000;
          world.tokens.push({ token, productCode, customerAwsAccountId, expiresAt });
          ctx.state.saveWorld();
          sendAdmin(res, 200, { token, expiresAt });
          return;
        }
        case 'POST /_sandbox/history': {
          const events = input.events;
          if (typeof events !== 'number' || !Number.isInteger(events) || events < 0) {
            sendAdmin(res, 400, { message: 'events must be a non-negative integer.' });
            return;
          }
          const seed = typeof input.seed === 'number' ? input.seed : ctx.state.seed;
          const world = ctx.state.world;
          const region = input.region ?? world.region;
          const store = typeof region === 'string' ? ctx.cloudTrail.store(region) : undefined;
          if (typeof region !== 'string' || !store) {
            sendAdmin(res, 400, {
              message: `region must be one of the served regions: ${ctx.cloudTrail.regions.join(', ')}.`,
            });
            return;
          }
          // The same seller and products, recorded in the chosen region's Event history.
          const generated = generateHistory(
            { ...world, region },
            { events, seed, endTime: ctx.now() },
          );
          store.addHistory(generated);
          sendAdmin(res, 200, { added: generated.length, total: store.count() });
          return;
        }
        case 'GET /_sandbox/faults':
          sendAdmin(res, 200, faults);
          return;
        case 'PUT /_sandbox/faults': {
          // PUT replaces: an omitted or null knob is cleared.
          faults = parseFaults(input);
          faultRng = createRng(deriveSeed(ctx.state.seed, 'faults'));
          sendAdmin(res, 200, faults);
          return;
        }
        case 'GET /_sandbox/behaviour':
          sendAdmin(res, 200, behaviour);
          return;
        case 'PUT /_sandbox/behaviour': {
          // PUT replaces: an omitted or null knob is off.
          behaviour = parseBehaviour(input, ctx.cloudTrail.regions);
          sendAdmin(res, 200, behaviour);
          return;
        }
        case 'POST /_sandbox/public-keys/rotate': {
          const next = rotateKeys(ctx.dataDir, ctx.keys, ctx.now());
          sendAdmin(res, 200, { version: next.version, pem: next.publicKeyPem });
          return;
        }
        case 'PUT /_sandbox/rate-limits': {
          const enabled = input.enabled;
          const rates = input.rates;
          ctx.limiter.configure({
            ...(typeof enabled === 'boolean' ? { enabled } : {}),
            ...(isRecord(rates) ? { rates } : {}),
          });
          sendAdmin(res, 200, ctx.limiter.config());
          return;
        }
        case 'GET /_sandbox/public-key': {
          const versionParam = url.searchParams.get('version');
          const version =
            versionParam === null ? ctx.keys.currentVersion : Number.parseInt(versionParam, 10);
          const key = ctx.keys.versions.find((k) => k.version === version);
          if (!key) {
            sendAdmin(res, 404, { message: `No public key version ${versionParam ?? ''}.` });
            return;
          }
          sendAdmin(res, 200, {
            version: key.version,
            current: key.version === ctx.keys.currentVersion,
            pem: key.publicKeyPem,
            ...(key.rotatedAt !== undefined ? { rotatedAt: key.rotatedAt } : {}),
          });
          return;
        }
        case 'POST /_sandbox/credentials': {
          sendAdmin(res, 200, addCredential(ctx.state, input));
          return;
        }
        case 'POST /_sandbox/roles': {
          sendAdmin(res, 200, addRole(ctx.state, input));
          return;
        }
        default: {
          const agreementAnswer = agreementAdmin(ctx.agreements, route, input);
          if (agreementAnswer) sendAdmin(res, agreementAnswer.status, agreementAnswer.body);
          else sendAdmin(res, 404, { message: `No admin route ${route}.` });
        }
      }
    } catch (error) {
      sendAdmin(res, 400, { message: error instanceof Error ? error.message : String(error) });
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      if (body === undefined) {
        if (!res.headersSent) {
          sendError(
            res,
            new SandboxApiError('RequestEntityTooLargeException', 'Request too large.', 413),
            randomUUID(),
          );
        }
        return;
      }
      if ((req.url ?? '').startsWith('/_sandbox/')) {
        handleAdmin(req, res, body);
      } else if (isQueryProtocol(req)) {
        await handleStsRequest(req, res, body);
      } else {
        await handleAws(req, res, body);
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, errorFrom(error), randomUUID());
      else res.destroy();
    });
  });
  return { server, faults: () => faults, behaviour: () => behaviour };
}
