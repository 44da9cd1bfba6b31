// Wire protocol: JSON 1.1 routing, SigV4 verification, credentials, the admin API's own auth.
import { CloudTrailServiceException, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  BatchMeterUsageCommand,
  MarketplaceMeteringServiceException,
} from '@aws-sdk/client-marketplace-metering';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtures,
  signedRawCall,
  startTestSandbox,
  type AdminState,
  type Fixtures,
  type TestSandbox,
} from './testing/sandbox-testkit';

const BATCH_TARGET = 'AWSMPMeteringService.BatchMeterUsage';

describe('protocol and SigV4', () => {
  let t: TestSandbox;
  let f: Fixtures;
  const body = () =>
    JSON.stringify({
      ProductCode: f.legacy.productCode,
      UsageRecords: [
        {
          Timestamp: t.now() / 1000 - 60,
          Dimension: f.legacy.dimensions[0]?.name,
          Quantity: 1,
          CustomerIdentifier: f.legacySub.customerIdentifier,
        },
      ],
    });

  beforeAll(async () => {
    t = await startTestSandbox();
    f = fixtures((await t.admin<AdminState>('GET', '/_sandbox/state')).body);
  });
  afterAll(() => t.close());

  it('serves a correctly signed raw JSON 1.1 call', async () => {
    const res = await signedRawCall(t.sandbox, BATCH_TARGET, body());
    expect(res.status).toBe(200);
  });

  it('rejects a wrong secret with InvalidSignatureException (403)', async () => {
    const client = t.metering({ secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' });
    const error: unknown = await client
      .send(new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [] }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketplaceMeteringServiceException);
    const e = error as MarketplaceMeteringServiceException;
    expect(e.name).toBe('InvalidSignatureException');
    expect(e.$metadata.httpStatusCode).toBe(403);
    expect(e.message).toMatch(/signature we calculated does not match/);
  });

  it('rejects an unknown access key with UnrecognizedClientException (403)', async () => {
    const client = t.metering({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' });
    const e = (await client
      .send(new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [] }))
      .catch((x: unknown) => x)) as MarketplaceMeteringServiceException;
    expect(e.name).toBe('UnrecognizedClientException');
    expect(e.$metadata.httpStatusCode).toBe(403);
  });

  it('rejects a request scoped to the wrong service the way AWS does', async () => {
    const res = await signedRawCall(t.sandbox, BATCH_TARGET, body(), {
      service: 'metering.marketplace',
    });
    expect(res.status).toBe(403);
    expect(res.body.__type).toBe('InvalidSignatureException');
    expect(res.body.message).toContain(
      "Credential should be scoped to correct service: 'aws-marketplace'",
    );
    // And CloudTrail insists on its own name.
    const ct = await signedRawCall(t.sandbox, 'CloudTrail_20131101.LookupEvents', '{}', {
      service: 'aws-marketplace',
    });
    expect(ct.body.message).toContain(
      "Credential should be scoped to correct service: 'cloudtrail'",
    );
  });

  it('rejects a body altered after signing', async () => {
    const signedFor = body();
    const tampered = signedFor.replace('"Quantity":1', '"Quantity":9');
    expect(tampered).not.toBe(signedFor);
    const before = (await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger.length;
    const res = await signedRawCall(t.sandbox, BATCH_TARGET, signedFor, { sendBody: tampered });
    expect(res.status).toBe(403);
    expect(res.body.__type).toBe('InvalidSignatureException');
    expect((await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger.length).toBe(before);
  });

  it('answers an unknown target with UnknownOperationException', async () => {
    const res = await signedRawCall(t.sandbox, 'AWSMPMeteringService.DeleteEverything', '{}');
    expect(res.status).toBe(400);
    expect(res.body.__type).toBe('UnknownOperationException');
  });

  it('routes LookupEvents to the CloudTrail store with the real CloudTrail client', async () => {
    await signedRawCall(t.sandbox, BATCH_TARGET, body());
    const client = t.cloudTrail();
    const page = await client.send(new LookupEventsCommand({ MaxResults: 5 }));
    expect(page.Events?.length).toBeGreaterThan(0);
    expect(page.Events?.[0]?.EventSource).toBe('metering-marketplace.amazonaws.com');
    expect(page.Events?.[0]?.EventTime).toBeInstanceOf(Date);
    const bad = (await client
      .send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'EventName', AttributeValue: 'BatchMeterUsage' },
            { AttributeKey: 'ReadOnly', AttributeValue: 'false' },
          ],
        }),
      )
      .catch((e: unknown) => e)) as CloudTrailServiceException;
    expect(bad).toBeInstanceOf(CloudTrailServiceException);
    expect(bad.name).toBe('InvalidLookupAttributesException');
  });

  it('accepts temporary keys only with their session token', async () => {
    const key = (
      await t.admin<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }>(
        'POST',
        '/_sandbox/credentials',
        { temporary: true },
      )
    ).body;
    expect(key.accessKeyId).toMatch(/^ASIA/);
    const ok = await t
      .metering(key)
      .send(new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [] }));
    expect(ok.Results).toEqual([]);
    const e = (await t
      .metering({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey })
      .send(new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [] }))
      .catch((x: unknown) => x)) as MarketplaceMeteringServiceException;
    expect(e.name).toBe('UnrecognizedClientException');
  });

  it('guards the admin API with its own bearer token', async () => {
    const none = await fetch(`${t.sandbox.endpoint}/_sandbox/state`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`${t.sandbox.endpoint}/_sandbox/state`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const state = await t.admin<AdminState>('GET', '/_sandbox/state');
    expect(state.status).toBe(200);
    expect(state.body.products.length).toBeGreaterThan(0);
    expect(state.body.customers[0]?.subscriptions).toBeDefined();
    const pem = await t.admin<{ version: number; pem: string; current: boolean }>(
      'GET',
      '/_sandbox/public-key',
    );
    expect(pem.body).toMatchObject({ version: 1, current: true });
    expect(pem.body.pem).toContain('BEGIN PUBLIC KEY');
    expect(t.sandbox.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('resets to a fresh world with an empty ledger', async () => {
    await signedRawCall(t.sandbox, BATCH_TARGET, body());
    expect(
      (await t.admin<AdminState>('GET', '/_sandbox/state')).body.ledger.length,
    ).toBeGreaterThan(0);
    expect((await t.admin('POST', '/_sandbox/reset')).status).toBe(200);
    const after = (await t.admin<AdminState>('GET', '/_sandbox/state')).body;
    expect(after.ledger).toEqual([]);
    expect(after.cloudTrailEvents).toBe(0);
    const history = await t.admin<{ added: number }>('POST', '/_sandbox/history', { events: 200 });
    expect(history.body.added).toBe(200);
    expect((await t.admin<AdminState>('GET', '/_sandbox/state')).body.cloudTrailEvents).toBe(200);
  });
});
