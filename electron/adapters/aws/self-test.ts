// The permission self-test: who am I (STS GetCallerIdentity), and per region whether each API
// this app uses is permitted, using probes that can never bill:
//   ResolveCustomer  an invalid registration token: InvalidTokenException means the call was
//                    authorised and answered; AccessDenied means it was not.
//   LookupEvents     MaxResults 1: a read, billed by nobody.
//   MeterUsage       DryRun: AWS checks permission only and answers DryRunOperation.
//   BatchMeterUsage  an EMPTY UsageRecords list: AWS bills only the records a call carries, so a
//                    call with none cannot bill anything, whatever else AWS makes of it. The model
//                    allows 0‥25 records; IAM is checked before the request is looked at, so
//                    AccessDenied still shows up, and any other answer (an empty result, or
//                    InvalidProductCodeException for the placeholder product) means permitted.
//                    (A record with an out-of-window timestamp was the alternative; it relies on
//                    AWS rejecting it, whereas an empty list has nothing to bill at all.)
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  BatchMeterUsageCommand,
  MeterUsageCommand,
  ResolveCustomerCommand,
} from '@aws-sdk/client-marketplace-metering';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type {
  SelfTestApi,
  SelfTestCell,
  SelfTestResult,
} from '../../../shared/channels/connections';
import type { AwsTarget } from '../../services/connections';
import type { AwsClientFactory } from './clients';
import { mapAwsError } from './error-map';

/** A product code no seller owns: the probes must never name a real product. */
export const PROBE_PRODUCT_CODE = 'meterdesk-permission-probe';
const PROBE_TOKEN = 'meterdesk-permission-probe-invalid-token';

const actions: Record<SelfTestApi, string> = {
  ResolveCustomer: 'aws-marketplace:ResolveCustomer',
  BatchMeterUsage: 'aws-marketplace:BatchMeterUsage',
  MeterUsage: 'aws-marketplace:MeterUsage',
  LookupEvents: 'cloudtrail:LookupEvents',
};

const probes: Record<SelfTestApi, string> = {
  ResolveCustomer:
    'ResolveCustomer with an invalid token: AWS answers InvalidTokenException when the call is allowed.',
  BatchMeterUsage:
    'BatchMeterUsage with an empty list of records: there is nothing in the call that could be billed.',
  MeterUsage: 'MeterUsage with DryRun: AWS checks the permission only and meters nothing.',
  LookupEvents: 'LookupEvents for one event: a read-only call.',
};

/** Answers that prove the call got past IAM. */
const permittedAnswers: Record<SelfTestApi, readonly string[]> = {
  ResolveCustomer: ['InvalidTokenException', 'ExpiredTokenException'],
  BatchMeterUsage: ['InvalidProductCodeException', 'InvalidCustomerIdentifierException'],
  MeterUsage: ['DryRunOperation', 'InvalidProductCodeException', 'InvalidUsageDimensionException'],
  LookupEvents: [],
};

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

async function send(api: SelfTestApi, aws: AwsClientFactory, target: AwsTarget): Promise<void> {
  const once = { maxAttempts: 1 };
  switch (api) {
    case 'ResolveCustomer': {
      const client = aws.metering(target, once);
      try {
        await client.send(new ResolveCustomerCommand({ RegistrationToken: PROBE_TOKEN }));
      } finally {
        client.destroy();
      }
      return;
    }
    case 'BatchMeterUsage': {
      const client = aws.metering(target, once);
      try {
        await client.send(
          new BatchMeterUsageCommand({ ProductCode: PROBE_PRODUCT_CODE, UsageRecords: [] }),
        );
      } finally {
        client.destroy();
      }
      return;
    }
    case 'MeterUsage': {
      const client = aws.metering(target, once);
      try {
        await client.send(
          new MeterUsageCommand({
            ProductCode: PROBE_PRODUCT_CODE,
            Timestamp: new Date(),
            UsageDimension: PROBE_PRODUCT_CODE,
            UsageQuantity: 0,
            DryRun: true,
          }),
        );
      } finally {
        client.destroy();
      }
      return;
    }
    case 'LookupEvents': {
      const client = aws.cloudtrail(target, once);
      try {
        await client.send(new LookupEventsCommand({ MaxResults: 1 }));
      } finally {
        client.destroy();
      }
      return;
    }
  }
}

/** One cell of the grid: the probe's answer read as allowed / denied / error, in plain words. */
export function classifyProbe(
  api: SelfTestApi,
  region: string,
  outcome: { ok: true } | { ok: false; error: unknown },
  profile?: string,
): SelfTestCell {
  const base = { api, action: actions[api], probe: probes[api] };
  if (outcome.ok) return { ...base, status: 'allowed' };
  const name = errorName(outcome.error);
  const mapped = mapAwsError(outcome.error, {
    operation: api,
    region,
    ...(profile === undefined ? {} : { profile }),
  });
  // A permitted answer is a rejection of the probe itself; ExpiredTokenException from expired
  // session credentials (403) is not one, although it shares the registration token's name.
  if (permittedAnswers[api].includes(name) && mapped.code === 'AWS_REJECTED') {
    return { ...base, status: 'allowed', code: name };
  }
  if (mapped.code === 'AWS_ACCESS_DENIED') {
    return {
      ...base,
      status: 'denied',
      code: name || mapped.code,
      reason: `Not permitted: this identity may not call ${api} in ${region}. It needs the IAM action ${actions[api]}.`,
      hint: mapped.hint ?? `Grant the IAM permission ${actions[api]} to this identity.`,
    };
  }
  return {
    ...base,
    status: 'error',
    code: name || mapped.code,
    reason:
      name === 'DisabledApiException'
        ? `${api} is not enabled for this seller in ${region}.`
        : `Could not tell: ${mapped.message}`,
    ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
  };
}

export const selfTestApis: readonly SelfTestApi[] = [
  'ResolveCustomer',
  'BatchMeterUsage',
  'MeterUsage',
  'LookupEvents',
];

export async function runSelfTest(options: {
  aws: AwsClientFactory;
  connectionId: string;
  regions: readonly string[];
  /** The target for one region (credentials shared, so a role or MFA is resolved once). */
  targetFor: (region: string) => AwsTarget;
  now: () => number;
}): Promise<SelfTestResult> {
  const { aws, regions, targetFor } = options;
  const first = regions[0];
  if (first === undefined) throw new Error('The self-test needs at least one region.');
  const identityTarget = targetFor(first);
  const profile = identityTarget.profile;
  const result: SelfTestResult = {
    connectionId: options.connectionId,
    testedAt: options.now(),
    identity: null,
    regions: [],
  };
  const sts = aws.sts(identityTarget, { maxAttempts: 1 });
  try {
    const who = await sts.send(new GetCallerIdentityCommand({}));
    result.identity = { account: who.Account ?? '', arn: who.Arn ?? '', userId: who.UserId ?? '' };
  } catch (error: unknown) {
    const mapped = mapAwsError(error, {
      operation: 'GetCallerIdentity',
      region: first,
      ...(profile === undefined ? {} : { profile }),
    });
    result.identityError = {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
    };
    // Without credentials every probe would fail the same way: say it once.
    if (mapped.code.startsWith('CREDENTIALS_') || mapped.code === 'CANCELLED') return result;
  } finally {
    sts.destroy();
  }
  for (const region of regions) {
    const target = targetFor(region);
    // Sequential on purpose: a handful of calls, and no burst against any API's rate limit.
    const cells: SelfTestCell[] = [];
    for (const api of selfTestApis) {
      const outcome = await send(api, aws, target).then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      cells.push(classifyProbe(api, region, outcome, profile));
    }
    result.regions.push({ region, cells });
  }
  return result;
}
