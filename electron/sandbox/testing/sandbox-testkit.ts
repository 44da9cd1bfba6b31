// Test helpers: a sandbox on port 0 in a temp folder, real SDK clients pointed at it, and a small
// admin client. Used by the sandbox's own tests and the benchmark.
import { createHash, createHmac, type Hash } from 'node:crypto';

type Hmac = ReturnType<typeof createHmac>;
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { MarketplaceAgreementClient } from '@aws-sdk/client-marketplace-agreement';
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { SignatureV4 } from '@smithy/signature-v4';
import { pinnedClock } from '../../testing/time';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '..';
import type {
  LedgerEntry,
  SandboxCustomer,
  SandboxProduct,
  SandboxRegistrationToken,
  SandboxSubscription,
} from '../types';

export type TestSandbox = {
  sandbox: RunningSandbox;
  dataDir: string;
  /** The sandbox's clock (epoch ms): pinned by default, so dates do not depend on the day. */
  now: () => number;
  metering(options?: {
    maxAttempts?: number;
    accessKeyId?: string;
    secretAccessKey?: string;
    sessionToken?: string;
    /** The region the client signs for; default the sandbox's home region. */
    region?: string;
  }): MarketplaceMeteringClient;
  cloudTrail(options?: { maxAttempts?: number; region?: string }): CloudTrailClient;
  agreement(options?: { maxAttempts?: number }): MarketplaceAgreementClient;
  // The caller names the JSON shape it expects; the helper only casts.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  admin<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** Closes the sandbox; `keepData` leaves the folder for a restart test. */
  close(keepData?: boolean): Promise<void>;
};

export async function startTestSandbox(
  options: Omit<SandboxOptions, 'dataDir'> & { dataDir?: string } = {},
): Promise<TestSandbox> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'meterdesk-sandbox-'));
  const now = options.now ?? pinnedClock().now;
  const sandbox = await startSandbox({ rateLimits: false, ...options, now, dataDir, port: 0 });
  const clients: { destroy(): void }[] = [];
  return {
    sandbox,
    dataDir,
    now,
    metering(o = {}) {
      const client = new MarketplaceMeteringClient({
        region: o.region ?? sandbox.region,
        endpoint: sandbox.endpoint,
        maxAttempts: o.maxAttempts ?? 1,
        credentials: {
          accessKeyId: o.accessKeyId ?? sandbox.accessKeyId,
          secretAccessKey: o.secretAccessKey ?? sandbox.secretAccessKey,
          ...(o.sessionToken !== undefined ? { sessionToken: o.sessionToken } : {}),
        },
      });
      clients.push(client);
      return client;
    },
    cloudTrail(o = {}) {
      const client = new CloudTrailClient({
        region: o.region ?? sandbox.region,
        endpoint: sandbox.endpoint,
        maxAttempts: o.maxAttempts ?? 1,
        credentials: {
          accessKeyId: sandbox.accessKeyId,
          secretAccessKey: sandbox.secretAccessKey,
        },
      });
      clients.push(client);
      return client;
    },
    agreement(o = {}) {
      const client = new MarketplaceAgreementClient({
        region: sandbox.region,
        endpoint: sandbox.endpoint,
        maxAttempts: o.maxAttempts ?? 1,
        credentials: {
          accessKeyId: sandbox.accessKeyId,
          secretAccessKey: sandbox.secretAccessKey,
        },
      });
      clients.push(client);
      return client;
    },
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
    async admin<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${sandbox.endpoint}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${sandbox.adminToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    async close(keepData = false) {
      for (const client of clients) client.destroy();
      await sandbox.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** SHA-256 / HMAC-SHA-256 over node:crypto in the shape @smithy/signature-v4 wants. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(
      typeof data === 'string'
        ? data
        : ArrayBuffer.isView(data)
          ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
          : Buffer.from(data),
    );
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/**
 * Signs a raw JSON 1.1 call with any service name and sends it with fetch, so tests can produce
 * what the SDK never would (wrong scope, a body altered after signing).
 */
export async function signedRawCall(
  sandbox: RunningSandbox,
  target: string,
  body: string,
  options: {
    service?: string;
    sendBody?: string;
    secretAccessKey?: string;
    /** The region in the signing scope; default the sandbox's home region. */
    region?: string;
  } = {},
): Promise<{ status: number; body: { __type?: string; message?: string } }> {
  const url = new URL(sandbox.endpoint);
  const signer = new SignatureV4({
    service: options.service ?? 'aws-marketplace',
    region: options.region ?? sandbox.region,
    credentials: {
      accessKeyId: sandbox.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? sandbox.secretAccessKey,
    },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
    },
    body,
  });
  const response = await fetch(`${sandbox.endpoint}/`, {
    method: 'POST',
    headers: Object.fromEntries(
      Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'),
    ),
    body: options.sendBody ?? body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { __type?: string; message?: string },
  };
}

export type AdminState = {
  seed: number;
  sellerAccountId: string;
  region: string;
  regions: string[];
  products: SandboxProduct[];
  customers: (SandboxCustomer & { subscriptions: SandboxSubscription[] })[];
  subscriptions: SandboxSubscription[];
  tokens: SandboxRegistrationToken[];
  ledger: LedgerEntry[];
  cloudTrailEvents: number;
  cloudTrailEventsByRegion: Record<string, number>;
};

export type Fixtures = {
  legacy: SandboxProduct;
  /** An active, billable legacy subscription. */
  legacySub: SandboxSubscription & { customerIdentifier: string };
  ca: SandboxProduct;
  /** An active, billable concurrent-agreements license. */
  caSub: SandboxSubscription & { licenseArn: string };
  container: SandboxProduct;
  suspended: SandboxCustomer;
};

/** Picks known-good (and known-bad) products and subscriptions out of the seeded world. */
export function fixtures(state: AdminState): Fixtures {
  const billable = (s: SandboxSubscription): boolean =>
    s.status === 'active' &&
    state.customers.some((c) => c.awsAccountId === s.customerAwsAccountId && !c.suspended);
  const legacy = state.products.find((p) => p.kind === 'saas' && p.identityModel === 'legacy');
  const ca = state.products.find(
    (p) => p.kind === 'saas' && p.identityModel === 'concurrent-agreements',
  );
  const container = state.products.find((p) => p.kind === 'container');
  const legacySub = state.subscriptions.find(
    (s) => s.productCode === legacy?.productCode && billable(s) && s.customerIdentifier,
  );
  const caSub = state.subscriptions.find(
    (s) => s.productCode === ca?.productCode && billable(s) && s.licenseArn,
  );
  const suspended = state.customers.find((c) => c.suspended);
  if (!legacy || !ca || !container || !legacySub || !caSub || !suspended) {
    throw new Error('The seeded world lacks a fixture the tests need.');
  }
  return {
    legacy,
    legacySub: legacySub as Fixtures['legacySub'],
    ca,
    caSub: caSub as Fixtures['caSub'],
    container,
    suspended,
  };
}
