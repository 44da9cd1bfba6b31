// The answers the sandbox now gives, through the app's own AWS adapters and its one error mapper:
// each is explained in plain words with the next step (AWS-FACTS §1.3–§1.7). The sandbox is made
// to answer with admin knobs (behaviour, faults) and workload credentials.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordStatusExplanations } from '../../../shared/aws/record-status';
import { AppError } from '../../../shared/errors';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from '../../sandbox/testing/sandbox-testkit';
import type { AwsTarget } from '../../services/connections';
import { createAwsClientFactory } from './clients';
import { createContainersApi } from './containers-api';
import { createMeteringApi } from './metering-api';
import { runSelfTest } from './self-test';

const HOUR = 3_600_000;
const aws = createAwsClientFactory();

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let t: TestSandbox;
let f: Fixtures;

function target(region: string, keys?: Keys): AwsTarget {
  return {
    connectionId: 'test',
    region,
    endpoint: t.sandbox.endpoint,
    credentials: keys ?? {
      accessKeyId: t.sandbox.accessKeyId,
      secretAccessKey: t.sandbox.secretAccessKey,
    },
  };
}

function metering(region: string, keys?: Keys) {
  return createMeteringApi(aws.metering(target(region, keys), { maxAttempts: 1 }), { region });
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function workloadKeys(workload: Record<string, string>): Promise<Keys> {
  return (await t.admin<Keys>('POST', '/_sandbox/credentials', { workload })).body;
}

beforeAll(async () => {
  t = await startTestSandbox({ regions: ['us-east-1', 'eu-west-1'] });
  f = fixtures((await t.admin<AdminState>('GET', '/_sandbox/state')).body);
});
afterEach(async () => {
  await t.admin('PUT', '/_sandbox/behaviour', {});
  await t.admin('PUT', '/_sandbox/faults', {});
});
afterAll(() => t.close());

const meterRecord = () => ({
  ProductCode: f.container.productCode,
  UsageDimension: f.container.dimensions[0]?.name ?? '',
  Timestamp: new Date(t.now() - HOUR).toISOString(),
  UsageQuantity: 1,
});

describe('explained answers, produced by the sandbox', () => {
  it('DisabledApiException: the region where the API is not enabled, and where to go instead', async () => {
    await t.admin('PUT', '/_sandbox/behaviour', {
      disabledApis: { 'eu-west-1': ['BatchMeterUsage'] },
    });
    const error = await failure(
      metering('eu-west-1').batchMeterUsage({ productCode: f.legacy.productCode, records: [] }),
    );
    expect(error.code).toBe('AWS_REJECTED');
    expect(error.message).toBe('This API is not enabled for the product in eu-west-1.');
    expect(error.hint).toMatch(/region where the product meters.*Seller Operations/);
    // The other region is unaffected.
    await expect(
      metering('us-east-1').batchMeterUsage({ productCode: f.legacy.productCode, records: [] }),
    ).resolves.toMatchObject({ results: [] });
  });

  it('InvalidEndpointRegionException: MeterUsage from a task in another region', async () => {
    const task = await workloadKeys({ kind: 'ecs-task', id: 'task-in-eu', region: 'eu-west-1' });
    const error = await failure(
      metering('us-east-1', task).meterUsage(meterRecord(), { dryRun: false }),
    );
    expect(error.code).toBe('AWS_REJECTED');
    expect(error.message).toMatch(
      /sent in us-east-1, but the instance, task or pod runs in another region/,
    );
    expect(error.hint).toMatch(/Switch the region in the top bar/);
  });

  it('UnauthorizedException: a MeterUsage dry run without the permission', async () => {
    await t.admin('PUT', '/_sandbox/faults', {
      denyActions: [{ action: 'aws-marketplace:MeterUsage' }],
    });
    const error = await failure(metering('us-east-1').meterUsage(meterRecord(), { dryRun: true }));
    expect(error.code).toBe('AWS_ACCESS_DENIED');
    expect(error.message).toBe(
      'The dry run found that this connection may not call MeterUsage in us-east-1.',
    );
    expect(error.hint).toContain('aws-marketplace:MeterUsage');
    expect(error.details).toMatchObject({ aws: { name: 'UnauthorizedException' } });
  });

  it('InvalidRegionException and PlatformNotSupportedException: RegisterUsage from the wrong place', async () => {
    const api = createContainersApi(aws);
    const input = { productCode: f.container.productCode, publicKeyVersion: 1 };
    const farAway = await workloadKeys({
      kind: 'fargate-task',
      id: 'task-eu',
      region: 'eu-west-1',
    });
    const region = await failure(api.registerUsage(target('us-east-1', farAway), input));
    expect(region.message).toMatch(
      /called in us-east-1, but the task or pod was launched in another region/,
    );
    expect(region.hint).toMatch(/the one the task or pod was launched in/);

    const instance = await workloadKeys({ kind: 'ec2-instance', id: 'i-0123456789abcdef0' });
    const platform = await failure(api.registerUsage(target('us-east-1', instance), input));
    expect(platform.message).toMatch(/only Amazon ECS, Amazon EKS and AWS Fargate/);
    expect(platform.hint).toMatch(/meters with MeterUsage instead/);
  });

  it('an unknown CustomerIdentifier, read per record: CustomerNotSubscribed for it, the rest billed', async () => {
    await t.admin('PUT', '/_sandbox/behaviour', { unknownCustomerIdentifier: 'per-record' });
    const record = (customer: string) => ({
      Timestamp: new Date(t.now() - 7 * HOUR).toISOString(),
      Dimension: f.legacy.dimensions[0]?.name ?? '',
      Quantity: 4,
      CustomerIdentifier: customer,
    });
    const out = await metering('us-east-1').batchMeterUsage({
      productCode: f.legacy.productCode,
      records: [record(f.legacySub.customerIdentifier), record('typo-in-the-id')],
    });
    expect(out.results.map((r) => r.status)).toEqual(['Success', 'CustomerNotSubscribed']);
    // The app's words for it name the cause this record most likely has.
    expect(recordStatusExplanations.CustomerNotSubscribed.meaning).toMatch(
      /customer identifier is unknown/,
    );
    expect(recordStatusExplanations.CustomerNotSubscribed.nextStep).toMatch(/nothing was billed/);
  });
});

describe('the self-test grid across two regions', () => {
  it('shows, per region, an API not enabled and a dry run without permission', async () => {
    await t.admin('PUT', '/_sandbox/behaviour', {
      disabledApis: { 'eu-west-1': ['BatchMeterUsage'] },
    });
    await t.admin('PUT', '/_sandbox/faults', {
      denyActions: [{ action: 'aws-marketplace:MeterUsage' }],
    });
    const result = await runSelfTest({
      aws,
      connectionId: 'test',
      regions: ['us-east-1', 'eu-west-1'],
      targetFor: (region) => target(region),
      now: t.now,
    });
    expect(result.identity?.account).toBe(t.sandbox.accountId);
    const cell = (region: string, api: string) =>
      result.regions.find((r) => r.region === region)?.cells.find((c) => c.api === api);
    expect(cell('us-east-1', 'BatchMeterUsage')?.status).toBe('allowed');
    expect(cell('eu-west-1', 'BatchMeterUsage')).toMatchObject({
      status: 'error',
      code: 'DisabledApiException',
      reason: 'BatchMeterUsage is not enabled for this seller in eu-west-1.',
    });
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(cell(region, 'MeterUsage')).toMatchObject({
        status: 'denied',
        code: 'UnauthorizedException',
      });
      expect(cell(region, 'ResolveCustomer')?.status).toBe('allowed');
      expect(cell(region, 'LookupEvents')?.status).toBe('allowed');
    }
  });
});
