// Several regions in one sandbox, through the real SDK clients over HTTP: a call signed for any
// served region works and is recorded in that region's Event history only (AWS-FACTS §2.4:
// history is per region); a scope for a region the sandbox does not serve is refused the way a
// regional AWS endpoint refuses it; rate limits are per region (§1.1: per account and region).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchMeterUsageCommand,
  ResolveCustomerCommand,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REGIONS, parseRegionList, servedRegions } from './regions';
import {
  fixtures,
  signedRawCall,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from './testing/sandbox-testkit';

const HOUR = 3_600_000;

describe('region names', () => {
  it('parses a --regions list, keeping order and dropping repeats', () => {
    expect(parseRegionList('us-east-1, eu-west-1,us-east-1')).toEqual(['us-east-1', 'eu-west-1']);
    expect(parseRegionList('ap-southeast-4,us-gov-west-1')).toEqual([
      'ap-southeast-4',
      'us-gov-west-1',
    ]);
    expect(() => parseRegionList('')).toThrow(/at least one region/);
    expect(() => parseRegionList('us-east-1,Europe')).toThrow(/"Europe" is not an AWS region/);
  });

  it('always serves the home region first, and two regions by default', () => {
    expect(DEFAULT_REGIONS).toEqual(['us-east-1', 'eu-west-1']);
    expect(servedRegions('us-east-1', undefined)).toEqual(['us-east-1', 'eu-west-1']);
    expect(servedRegions('us-east-1', ['eu-west-1'])).toEqual(['us-east-1', 'eu-west-1']);
    expect(servedRegions('eu-west-1', ['us-east-1', 'eu-west-1'])).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });
});

describe('a sandbox serving us-east-1 and eu-west-1', () => {
  let t: TestSandbox;
  let f: Fixtures;
  const record = (quantity: number, hoursBack = 1): UsageRecord => ({
    Timestamp: new Date(t.now() - hoursBack * HOUR),
    Dimension: f.legacy.dimensions[0]?.name ?? '',
    Quantity: quantity,
    CustomerIdentifier: f.legacySub.customerIdentifier,
  });

  beforeAll(async () => {
    t = await startTestSandbox({ regions: ['us-east-1', 'eu-west-1'] });
    f = fixtures((await t.admin<AdminState>('GET', '/_sandbox/state')).body);
  });
  afterAll(() => t.close());

  it('says which regions it serves', async () => {
    expect(t.sandbox.region).toBe('us-east-1');
    expect(t.sandbox.regions).toEqual(['us-east-1', 'eu-west-1']);
    const state = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
    expect(state.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('accepts a call signed for the second region and records it in that region only', async () => {
    const before = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
    const out = await t.metering({ region: 'eu-west-1' }).send(
      new BatchMeterUsageCommand({
        ProductCode: f.legacy.productCode,
        UsageRecords: [record(3)],
      }),
    );
    expect(out.Results?.[0]?.Status).toBe('Success');

    const lookup = (region: string) =>
      t.cloudTrail({ region }).send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' }],
        }),
      );
    const inEurope = await lookup('eu-west-1');
    expect(inEurope.Events).toHaveLength(1);
    const event = JSON.parse(inEurope.Events?.[0]?.CloudTrailEvent ?? '{}') as {
      awsRegion?: string;
    };
    expect(event.awsRegion).toBe('eu-west-1');
    expect((await lookup('us-east-1')).Events ?? []).toHaveLength(
      before.cloudTrailEventsByRegion['us-east-1'] ?? -1,
    );

    const after = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
    expect(after.cloudTrailEventsByRegion).toEqual({
      'us-east-1': before.cloudTrailEventsByRegion['us-east-1'],
      'eu-west-1': 1,
    });
    expect(after.ledger.at(-1)?.region).toBe('eu-west-1');
  });

  it('deduplicates within a region: the same record in the other region is billed there too', async () => {
    // The AWS agent-toolkit skill scopes dedup per region (AWS-FACTS §1.3.4, UNVERIFIED).
    const same = record(7, 2);
    const east = await t
      .metering({ region: 'us-east-1' })
      .send(
        new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [same] }),
      );
    const west = await t
      .metering({ region: 'eu-west-1' })
      .send(
        new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [same] }),
      );
    const eastId = east.Results?.[0]?.MeteringRecordId;
    const westId = west.Results?.[0]?.MeteringRecordId;
    expect(east.Results?.[0]?.Status).toBe('Success');
    expect(west.Results?.[0]?.Status).toBe('Success');
    expect(eastId).toBeTruthy();
    expect(westId).not.toBe(eastId);
    // Within one region the identical record is idempotent: the same id again.
    const again = await t
      .metering({ region: 'eu-west-1' })
      .send(
        new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [same] }),
      );
    expect(again.Results?.[0]?.MeteringRecordId).toBe(westId);
  });

  it('refuses a scope for a region it does not serve, as AWS’s regional endpoint does', async () => {
    const answer = await signedRawCall(
      t.sandbox,
      'AWSMPMeteringService.ResolveCustomer',
      JSON.stringify({ RegistrationToken: 'x' }),
      { region: 'ap-south-1' },
    );
    expect(answer.status).toBe(403);
    expect(answer.body.__type).toBe('InvalidSignatureException');
    expect(answer.body.message).toMatch(/scoped to a valid region, not 'ap-south-1'/);
    await expect(
      t
        .metering({ region: 'ap-south-1' })
        .send(new ResolveCustomerCommand({ RegistrationToken: 'x' })),
    ).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  });

  it('answers STS in either region', async () => {
    const sts = new STSClient({
      region: 'eu-west-1',
      endpoint: t.sandbox.endpoint,
      credentials: {
        accessKeyId: t.sandbox.accessKeyId,
        secretAccessKey: t.sandbox.secretAccessKey,
      },
    });
    try {
      const who = await sts.send(new GetCallerIdentityCommand({}));
      expect(who.Account).toBe(t.sandbox.accountId);
    } finally {
      sts.destroy();
    }
  });

  it('seeds history into a chosen served region, and refuses any other', async () => {
    const added = await t.admin<{ added: number; total: number }>('POST', '/_sandbox/history', {
      events: 20,
      region: 'eu-west-1',
    });
    expect(added.status).toBe(200);
    expect(added.body.added).toBe(20);
    const lookup = await t
      .cloudTrail({ region: 'eu-west-1' })
      .send(new LookupEventsCommand({ MaxResults: 50 }));
    const regions = new Set(
      (lookup.Events ?? []).map(
        (e) => (JSON.parse(e.CloudTrailEvent ?? '{}') as { awsRegion?: string }).awsRegion,
      ),
    );
    expect([...regions]).toEqual(['eu-west-1']);
    const refused = await t.admin<{ message: string }>('POST', '/_sandbox/history', {
      events: 1,
      region: 'ap-south-1',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/us-east-1, eu-west-1/);
  });
});

describe('per-region rate limits', () => {
  it('a burst that exhausts one region leaves the other region’s budget alone', async () => {
    const t = await startTestSandbox({ rateLimits: { ResolveCustomer: 2 } });
    try {
      const resolve = (region: string) =>
        t
          .metering({ region })
          .send(new ResolveCustomerCommand({ RegistrationToken: 'not-a-token' }))
          .then(
            () => 'ok',
            (error: unknown) => (error as Error).name,
          );
      const east = await Promise.all([1, 2, 3, 4].map(() => resolve('us-east-1')));
      expect(east.filter((name) => name === 'ThrottlingException').length).toBeGreaterThanOrEqual(
        1,
      );
      const west = await Promise.all([1, 2].map(() => resolve('eu-west-1')));
      expect(west).toEqual(['InvalidTokenException', 'InvalidTokenException']);
    } finally {
      await t.close();
    }
  });
});

describe('a data folder keeps its home region', () => {
  it('serves the folder’s home region even when --regions leaves it out; a new folder’s home is the first named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meterdesk-regions-'));
    try {
      const first = await startTestSandbox({ dataDir: join(dir, 'a'), regions: ['eu-west-1'] });
      expect(first.sandbox.region).toBe('eu-west-1');
      expect(first.sandbox.regions).toEqual(['eu-west-1']);
      await first.close(true);
      const again = await startTestSandbox({
        dataDir: join(dir, 'a'),
        regions: ['us-east-1', 'ap-southeast-2'],
      });
      expect(again.sandbox.region).toBe('eu-west-1');
      expect(again.sandbox.regions).toEqual(['eu-west-1', 'us-east-1', 'ap-southeast-2']);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  });
});
