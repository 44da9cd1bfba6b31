// Container registrations: RegisterUsage with the active connection, and the Signature decoded
// and checked (PS256 against a key the user supplies, and that it echoes what was sent). The
// call normally runs inside the buyer's container with the buyer's role, and is logged in the
// buyer's account; here the seller's staff try it out.
import type {
  CallerView,
  PublicKeyEntry,
  RegisterUsageInput,
  RegisterUsageResult,
  VerifySignatureResult,
} from '../../../shared/channels/containers';
import type { ConnectionSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import {
  checkEcho,
  claimCasing,
  decodeJwt,
  publicKeyVersionOf,
  type EchoCheck,
} from '../../../shared/jwt';
import type { AwsTarget } from '../connections';
import { describeCaller } from './caller';
import type { Pacer } from '../pacing';

export type ContainersApi = {
  /** STS GetCallerIdentity: who the calls sign as. */
  callerIdentity: (target: AwsTarget) => Promise<{ arn: string; account: string }>;
  registerUsage: (
    target: AwsTarget,
    input: RegisterUsageInput,
  ) => Promise<{ signature: string; publicKeyRotationTimestamp?: Date }>;
};

/** The PS256 check (node:crypto lives in an adapter); never throws. */
export type SignatureVerifier = (
  token: string,
  publicKeyPem: string,
) =>
  | { ok: true; valid: boolean; reason?: string }
  | { ok: false; stage: 'token' | 'key'; error: string };

export type ContainersDeps = {
  connections: {
    active: () => ConnectionSummary | null;
    target: (id: string, region?: string) => AwsTarget;
  };
  api: ContainersApi;
  verify: SignatureVerifier;
  pacer: Pacer;
  now: () => number;
};

export type ContainersService = {
  caller: () => Promise<CallerView>;
  registerUsage: (input: RegisterUsageInput) => Promise<RegisterUsageResult>;
  verifySignature: (input: {
    signature: string;
    publicKeys: readonly PublicKeyEntry[];
    expected?: RegisterUsageInput | undefined;
  }) => VerifySignatureResult;
};

function versionList(keys: readonly PublicKeyEntry[]): string {
  const versions = keys.map((k) => k.version).sort((a, b) => a - b);
  return versions.length === 1
    ? `version ${String(versions[0])}`
    : `versions ${versions.join(', ')}`;
}

/** Plainly: the token names a version the user has no key for, and where that key comes from. */
export function noKeyExplanation(version: number, keys: readonly PublicKeyEntry[]): string {
  return (
    `This signature names public key version ${String(version)}, and no key for version ` +
    `${String(version)} was given (only for ${versionList(keys)}). A signature can only be ` +
    `checked with the key of the version it names: get the PEM for version ${String(version)} ` +
    'from AWS Marketplace (the Seller Guide’s RegisterUsage example embeds version 1) and add it.'
  );
}

function echoFor(payload: Record<string, unknown>, expected: RegisterUsageInput): EchoCheck {
  return checkEcho(payload, {
    productCode: expected.productCode,
    publicKeyVersion: expected.publicKeyVersion,
    ...(expected.nonce === undefined || expected.nonce === '' ? {} : { nonce: expected.nonce }),
  });
}

export function rotationExplanation(version: number, rotatedAt: Date): string {
  return (
    `Public key version ${version} was superseded on ${rotatedAt.toISOString().slice(0, 19).replace('T', ' ')} UTC. AWS returns ` +
    'PublicKeyRotationTimestamp only when the version you sent is no longer the current one: ' +
    `this signature is still made with version ${version}'s key, so verify it with that key, ` +
    'but move the container to the newer key version AWS Marketplace publishes.'
  );
}

export function createContainersService(deps: ContainersDeps): ContainersService {
  function activeTarget(): { connection: ConnectionSummary; target: AwsTarget } {
    const connection = deps.connections.active();
    if (!connection) {
      throw new AppError('NOT_FOUND', 'There is no active connection.', {
        hint: 'Add or choose a connection in Connections first.',
      });
    }
    return { connection, target: deps.connections.target(connection.id) };
  }

  const pacerKey = (connection: ConnectionSummary, target: AwsTarget, api: 'RegisterUsage') => ({
    accountId: connection.accountId ?? connection.id,
    region: target.region,
    api,
  });

  async function registerUsage(input: RegisterUsageInput): Promise<RegisterUsageResult> {
    const { connection, target } = activeTarget();
    await deps.pacer.acquire(pacerKey(connection, target, 'RegisterUsage'));
    const calledAt = new Date(deps.now()).toISOString();
    const out = await deps.api.registerUsage(target, input);
    const decoded = decodeJwt(out.signature);
    const rotation =
      out.publicKeyRotationTimestamp === undefined
        ? undefined
        : {
            rotatedAt: out.publicKeyRotationTimestamp.toISOString(),
            explanation: rotationExplanation(
              input.publicKeyVersion,
              out.publicKeyRotationTimestamp,
            ),
          };
    return {
      request: input,
      calledAt,
      connectionName: connection.name,
      signature: out.signature,
      ...(rotation === undefined ? {} : { rotation }),
      ...(decoded.ok
        ? {
            header: decoded.value.header,
            payload: decoded.value.payload,
            warnings: decoded.value.warnings,
            echo: echoFor(decoded.value.payload, input),
          }
        : { decodeError: decoded.error, warnings: [] }),
    };
  }

  function verifySignature(input: {
    signature: string;
    publicKeys: readonly PublicKeyEntry[];
    expected?: RegisterUsageInput | undefined;
  }): VerifySignatureResult {
    const decoded = decodeJwt(input.signature);
    if (!decoded.ok) return { valid: false, stage: 'token', reason: decoded.error };
    const { payload } = decoded.value;
    const version = publicKeyVersionOf(payload);
    const shown = {
      header: decoded.value.header,
      payload,
      casing: claimCasing(payload),
      ...(version === undefined ? {} : { keyVersion: version }),
      ...(input.expected === undefined ? {} : { echo: echoFor(payload, input.expected) }),
    };
    if (version === undefined) {
      return {
        ...shown,
        valid: false,
        stage: 'token',
        reason:
          'The payload names no PublicKeyVersion (nor publicKeyVersion), so there is no telling which key should have signed it.',
      };
    }
    const key = input.publicKeys.find((k) => k.version === version);
    if (!key) {
      return {
        ...shown,
        valid: false,
        stage: 'no-key',
        reason: noKeyExplanation(version, input.publicKeys),
      };
    }
    const checked = deps.verify(decoded.value.token, key.pem);
    if (!checked.ok) return { ...shown, valid: false, stage: checked.stage, reason: checked.error };
    return checked.valid
      ? { ...shown, valid: true }
      : {
          ...shown,
          valid: false,
          stage: 'signature',
          reason: checked.reason ?? 'The signature does not match.',
        };
  }

  async function caller(): Promise<CallerView> {
    const { connection, target } = activeTarget();
    const who = await deps.api.callerIdentity(target);
    return {
      connectionName: connection.name,
      region: target.region,
      ...describeCaller(who.arn, who.account, connection.isSandbox),
    };
  }

  return { caller, registerUsage, verifySignature };
}
