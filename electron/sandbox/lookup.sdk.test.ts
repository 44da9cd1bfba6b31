// LookupEvents through the real @aws-sdk/client-cloudtrail over HTTP, and the round trip from a
// real BatchMeterUsage call to the CloudTrail record an auditor will read.
import {
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  LookupEventsCommand,
  paginateLookupEvents,
  type Event,
} from '@aws-sdk/client-cloudtrail';
import {
  BatchMeterUsageCommand,
  ResolveCustomerCommand,
} from '@aws-sdk/client-marketplace-metering';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtures,
  startTestSandbox,
  type AdminState,
  type TestSandbox,
} from './testing/sandbox-testkit';

type Json = Record<string, unknown>;

const HISTORY = 260;

describe('LookupEvents over the SDK', () => {
  let t: TestSandbox;
  let state: AdminState;

  beforeAll(async () => {
    t = await startTestSandbox({ historyEvents: HISTORY, rateLimits: false });
    state = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
  });
  afterAll(async () => {
    await t.close();
  });

  it('pages through the seeded history newest first with paginateLookupEvents', async () => {
    const client = t.cloudTrail();
    const pages: Event[][] = [];
    for await (const page of paginateLookupEvents({ client, pageSize: 50 }, {})) {
      pages.push(page.Events ?? []);
    }
    expect(pages.map((p) => p.length)).toEqual([50, 50, 50, 50, 50, 10]);
    const events = pages.flat();
    expect(new Set(events.map((e) => e.EventId)).size).toBe(HISTORY);
    const times = events.map((e) => e.EventTime?.getTime() ?? 0);
    expect(times.every((time, i) => i === 0 || time <= (times[i - 1] ?? Infinity))).toBe(true);
    const first = events[0];
    expect(first?.EventTime).toBeInstanceOf(Date);
    expect(first?.EventSource).toBe('metering-marketplace.amazonaws.com');
    expect(first?.ReadOnly).toBe('false');
    const record = JSON.parse(first?.CloudTrailEvent ?? '{}') as Json;
    expect(record.eventID).toBe(first?.EventId);
  });

  it('filters on one attribute while paging', async () => {
    const client = t.cloudTrail();
    let count = 0;
    for await (const page of paginateLookupEvents(
      { client, pageSize: 20 },
      { LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' }] },
    )) {
      for (const event of page.Events ?? []) {
        expect(event.EventName).toBe('BatchMeterUsage');
        count++;
      }
    }
    expect(count).toBeGreaterThan(HISTORY * 0.9);
    expect(count).toBeLessThanOrEqual(HISTORY);
  });

  it('rejects a NextToken reused with a changed parameter', async () => {
    const client = t.cloudTrail();
    const first = await client.send(new LookupEventsCommand({ MaxResults: 10 }));
    expect(first.NextToken).toBeDefined();
    const same = await client.send(
      new LookupEventsCommand({ MaxResults: 10, NextToken: first.NextToken }),
    );
    // The second page continues exactly where the first stopped.
    const wide = await client.send(new LookupEventsCommand({ MaxResults: 20 }));
    expect([...(first.Events ?? []), ...(same.Events ?? [])].map((e) => e.EventId)).toEqual(
      wide.Events?.map((e) => e.EventId),
    );
    await expect(
      client.send(new LookupEventsCommand({ MaxResults: 20, NextToken: first.NextToken })),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(
      client.send(
        new LookupEventsCommand({
          MaxResults: 10,
          NextToken: first.NextToken,
          StartTime: new Date(t.now() - 86_400_000),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
    await expect(
      client.send(new LookupEventsCommand({ MaxResults: 10, NextToken: 'not-a-token' })),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);
  });

  it('surfaces the lookup rule errors as the SDK exception classes', async () => {
    const client = t.cloudTrail();
    await expect(
      client.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' },
            { AttributeKey: 'Username', AttributeValue: 'x' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidLookupAttributesException);
    await expect(client.send(new LookupEventsCommand({ MaxResults: 51 }))).rejects.toBeInstanceOf(
      InvalidMaxResultsException,
    );
    await expect(
      client.send(
        new LookupEventsCommand({ StartTime: new Date(2_000_000_000_000), EndTime: new Date(0) }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidTimeRangeException' });
  });

  it('round-trips BatchMeterUsage (both identity models) into the documented record layout', async () => {
    const { legacy, legacySub, ca, caSub } = fixtures(state);
    const metering = t.metering();
    const cloudTrail = t.cloudTrail();
    const hour = new Date(Math.floor(t.now() / 3_600_000) * 3_600_000);
    const dimension = legacy.dimensions[0]?.name ?? '';
    const legacyOut = await metering.send(
      new BatchMeterUsageCommand({
        ProductCode: legacy.productCode,
        UsageRecords: [
          {
            Timestamp: hour,
            CustomerIdentifier: legacySub.customerIdentifier,
            Dimension: dimension,
            Quantity: 7,
          },
        ],
      }),
    );
    const caDimension = ca.dimensions[0]?.name ?? '';
    const caOut = await metering.send(
      new BatchMeterUsageCommand({
        UsageRecords: [
          {
            Timestamp: hour,
            CustomerAWSAccountId: caSub.customerAwsAccountId,
            LicenseArn: caSub.licenseArn,
            Dimension: caDimension,
            Quantity: 3,
          },
        ],
      }),
    );

    const found = await cloudTrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: t.sandbox.accessKeyId }],
        MaxResults: 2,
      }),
    );
    // Both calls can land in the same second, where CloudTrail's order is unspecified.
    const events = found.Events ?? [];
    const legacyEvent = events.find((e) => e.CloudTrailEvent?.includes('"productCode"'));
    const caEvent = events.find((e) => !e.CloudTrailEvent?.includes('"productCode"'));
    expect(caEvent?.EventName).toBe('BatchMeterUsage');
    expect(legacyEvent?.EventName).toBe('BatchMeterUsage');
    expect(caEvent?.AccessKeyId).toBe(t.sandbox.accessKeyId);

    const javaHour = javaStyle(hour);
    const legacyRecord = JSON.parse(legacyEvent?.CloudTrailEvent ?? '{}') as Json;
    expect(legacyRecord).toMatchObject({
      eventSource: 'metering-marketplace.amazonaws.com',
      eventName: 'BatchMeterUsage',
      awsRegion: t.sandbox.region,
      eventID: legacyEvent?.EventId,
      readOnly: false,
      eventType: 'AwsApiCall',
      recipientAccountId: t.sandbox.accountId,
      userIdentity: { accessKeyId: t.sandbox.accessKeyId, accountId: t.sandbox.accountId },
      requestParameters: {
        productCode: legacy.productCode,
        usageRecords: [
          {
            dimension,
            timestamp: javaHour,
            customerIdentifier: legacySub.customerIdentifier,
            quantity: 7,
          },
        ],
      },
      responseElements: {
        results: [
          {
            usageRecord: {
              dimension,
              customerIdentifier: legacySub.customerIdentifier,
              quantity: 7,
            },
            meteringRecordId: legacyOut.Results?.[0]?.MeteringRecordId,
            status: 'Success',
          },
        ],
        unprocessedRecords: [],
      },
    });
    expect(String(legacyRecord.eventTime)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    const caRecord = JSON.parse(caEvent?.CloudTrailEvent ?? '{}') as Json;
    expect(caRecord.requestParameters).toEqual({
      usageRecords: [
        {
          dimension: caDimension,
          timestamp: javaHour,
          customerAWSAccountID: caSub.customerAwsAccountId,
          licenseArn: caSub.licenseArn,
          quantity: 3,
        },
      ],
    });
    expect(caRecord).toMatchObject({
      responseElements: {
        results: [{ meteringRecordId: caOut.Results?.[0]?.MeteringRecordId, status: 'Success' }],
      },
    });
  });

  it('logs ResolveCustomer without the registration token', async () => {
    const token = state.tokens.find((tk) => tk.expiresAt > t.now());
    expect(token).toBeDefined();
    const out = await t
      .metering()
      .send(new ResolveCustomerCommand({ RegistrationToken: token?.token ?? '' }));
    const found = await t.cloudTrail().send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ResolveCustomer' }],
        MaxResults: 1,
      }),
    );
    const event = found.Events?.[0];
    expect(event?.CloudTrailEvent).not.toContain(token?.token ?? '');
    const record = JSON.parse(event?.CloudTrailEvent ?? '{}') as Json;
    expect(record.requestParameters).toEqual({
      registrationToken: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    });
    expect(record.responseElements).toMatchObject({ productCode: out.ProductCode });
  });
});

describe('LookupEvents after a restart', () => {
  it('keeps seeded and live events when the sandbox restarts on the same folder', async () => {
    const first = await startTestSandbox({ historyEvents: 120, rateLimits: false });
    const state = (await first.admin<AdminState>('GET', '/_sandbox/state')).body;
    const { legacy, legacySub } = fixtures(state);
    await first.metering().send(
      new BatchMeterUsageCommand({
        ProductCode: legacy.productCode,
        UsageRecords: [
          {
            Timestamp: new Date(first.now()),
            CustomerIdentifier: legacySub.customerIdentifier,
            Dimension: legacy.dimensions[0]?.name ?? '',
            Quantity: 1,
          },
        ],
      }),
    );
    const collect = async (t: TestSandbox): Promise<string[]> => {
      const ids: string[] = [];
      for await (const page of paginateLookupEvents({ client: t.cloudTrail(), pageSize: 50 }, {})) {
        for (const event of page.Events ?? []) ids.push(event.EventId ?? '');
      }
      return ids;
    };
    const before = await collect(first);
    expect(before).toHaveLength(121);
    await first.close(true);

    const second = await startTestSandbox({ dataDir: first.dataDir, rateLimits: false });
    try {
      expect(await collect(second)).toEqual(before);
    } finally {
      await second.close();
    }
  });
});

function javaStyle(date: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const h = date.getUTCHours();
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  const ss = String(date.getUTCSeconds()).padStart(2, '0');
  return `${months[date.getUTCMonth()] ?? ''} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}
