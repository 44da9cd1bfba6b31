// A small client for the built-in sandbox's admin API (bearer token, 127.0.0.1). Used only when
// the active connection is the Sandbox: minting practice tokens, its products, its public keys.
import { AppError } from '../../shared/errors';

export type SandboxAdminTarget = { endpoint: string; adminToken: string };

export type SandboxWorldView = {
  products: {
    productCode: string;
    name: string;
    kind: 'saas' | 'container' | 'ami';
    identityModel: string;
    dimensions: { name: string }[];
  }[];
  customers: { awsAccountId: string; name: string }[];
  subscriptions: {
    productCode: string;
    customerAwsAccountId: string;
    status: string;
    customerIdentifier?: string;
    licenseArn?: string;
  }[];
};

export type SandboxAdmin = {
  world: () => Promise<SandboxWorldView>;
  mintToken: (input: {
    productCode: string;
    customerAwsAccountId: string;
    expiresInSeconds?: number;
  }) => Promise<{ token: string; expiresAt: number }>;
  publicKey: (
    version: number,
  ) => Promise<{ version: number; current: boolean; pem: string; rotatedAt?: number }>;
  /** Issues the current billing period's invoices now (the Agreement API's practice switch). */
  closePeriod: () => Promise<{
    period: { year: number; month: number };
    invoices: { invoiceId: string; agreementId: string; amount: string; currencyCode: string }[];
  }>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function createSandboxAdmin(target: SandboxAdminTarget): SandboxAdmin {
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${target.endpoint}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${target.adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new AppError('NETWORK', 'The sandbox did not answer.', {
        hint: 'Restart Meterdesk; the sandbox starts with it.',
        cause: error,
      });
    }
    const parsed: unknown = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message =
        isRecord(parsed) && typeof parsed.message === 'string'
          ? parsed.message
          : `HTTP ${response.status}`;
      throw new AppError(response.status === 404 ? 'NOT_FOUND' : 'VALIDATION', message);
    }
    return parsed;
  }

  return {
    // The admin API's JSON is the sandbox's own typed state; the casts name that shape.
    world: async () => (await call('GET', '/_sandbox/state')) as SandboxWorldView,
    mintToken: async (input) =>
      (await call('POST', '/_sandbox/tokens', input)) as { token: string; expiresAt: number },
    publicKey: async (version) =>
      (await call('GET', `/_sandbox/public-key?version=${version}`)) as {
        version: number;
        current: boolean;
        pem: string;
        rotatedAt?: number;
      },
    closePeriod: async () =>
      (await call('POST', '/_sandbox/close-period')) as Awaited<
        ReturnType<SandboxAdmin['closePeriod']>
      >,
  };
}
