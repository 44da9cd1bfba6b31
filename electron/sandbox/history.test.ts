import { describe, expect, it } from 'vitest';
import { generateHistory, historyIdentities, historyOrigin } from './history';
import { createWorld } from './world';

const NOW = Date.UTC(2026, 7, 20, 12);
const DAY = 86_400_000;

type Json = Record<string, unknown>;

const isOmitted = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as Json).omitted === true;

describe('generateHistory', () => {
  const world = createWorld(42, NOW);

  it('is deterministic from the seed', () => {
    const a = generateHistory(world, { events: 300, seed: 1, endTime: NOW });
    const b = generateHistory(world, { events: 300, seed: 1, endTime: NOW });
    const c = generateHistory(world, { events: 300, seed: 2, endTime: NOW });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.map((e) => e.eventId)).not.toEqual(c.map((e) => e.eventId));
    const later = generateHistory(world, { events: 300, seed: 1, endTime: NOW + 1000 });
    expect(later.filter((e) => a.some((x) => x.eventId === e.eventId))).toEqual([]);
    expect(historyOrigin(a)?.options).toEqual({ events: 300, seed: 1, endTime: NOW, days: 90 });
  });

  it('generates 100,000 events quickly, spread over the window, newest first', () => {
    const started = performance.now();
    const events = generateHistory(world, { events: 100_000, seed: 3, endTime: NOW });
    const elapsed = performance.now() - started;
    expect(events).toHaveLength(100_000);
    expect(elapsed).toBeLessThan(5000);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(100_000);
    const times = events.map((e) => e.eventTime);
    expect(times.every((t, i) => i === 0 || t <= (times[i - 1] ?? Infinity))).toBe(true);
    expect(times[0]).toBeLessThanOrEqual(NOW);
    expect(times[times.length - 1]).toBeGreaterThan(NOW - 90 * DAY);
    expect(times[times.length - 1]).toBeLessThan(NOW - 89 * DAY);
  });

  it('respects days and volume options', () => {
    const events = generateHistory(world, { events: 50, seed: 3, endTime: NOW, days: 7 });
    expect(events).toHaveLength(50);
    expect(Math.min(...events.map((e) => e.eventTime))).toBeGreaterThan(NOW - 7 * DAY);
    expect(generateHistory(world, { events: 0, seed: 3, endTime: NOW })).toEqual([]);
  });

  it('contains realistic BatchMeterUsage records in both identity models with failures', () => {
    const events = generateHistory(world, { events: 1500, seed: 5, endTime: NOW });
    const records = events.map((e) => ({ event: e, json: JSON.parse(e.cloudTrailEvent) as Json }));
    const statuses = new Set<string>();
    const errors = new Set<string>();
    let legacy = 0;
    let ca = 0;
    let unprocessed = 0;
    let allocations = 0;
    const identities = new Set(historyIdentities(world).map((i) => i.accessKeyId));
    for (const { event, json } of records) {
      expect(json.eventID).toBe(event.eventId);
      expect(json.eventName).toBe(event.eventName);
      expect(json.eventSource).toBe('metering-marketplace.amazonaws.com');
      expect(Date.parse(String(json.eventTime))).toBe(event.eventTime);
      expect(identities.has(event.accessKeyId)).toBe(true);
      if (typeof json.errorCode === 'string') {
        errors.add(json.errorCode);
        expect(json.responseElements).toBeNull();
      }
      if (event.eventName === 'ResolveCustomer') {
        expect(json.requestParameters).toEqual({
          registrationToken: 'HIDDEN_DUE_TO_SECURITY_REASONS',
        });
        continue;
      }
      // Refused before the request was read, or truncated by CloudTrail: no records to check.
      if (json.requestParameters === null || isOmitted(json.requestParameters)) continue;
      const params = json.requestParameters as { usageRecords: Json[]; productCode?: string };
      expect(params.usageRecords.length).toBeGreaterThanOrEqual(1);
      expect(params.usageRecords.length).toBeLessThanOrEqual(25);
      for (const record of params.usageRecords) {
        expect(record.timestamp).toMatch(
          /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/,
        );
        if ('customerIdentifier' in record) {
          legacy++;
          expect(params.productCode).toBeDefined();
        } else {
          ca++;
          expect(params.productCode).toBeUndefined();
          expect(record.licenseArn).toMatch(/^arn:aws:license-manager::/);
          const accountId = record.customerAWSAccountID ?? record.customerAWSAccountId;
          expect(accountId).toMatch(/^\d{12}$/);
          if ('usageAllocations' in record) allocations++;
        }
      }
      const response = json.responseElements as {
        results: Json[];
        unprocessedRecords: Json[];
      } | null;
      if (response && !isOmitted(response)) {
        unprocessed += response.unprocessedRecords.length;
        for (const result of response.results) {
          statuses.add(String(result.status));
          if (result.status === 'Success') expect(result.meteringRecordId).toBeTypeOf('string');
        }
      }
    }
    expect(legacy).toBeGreaterThan(0);
    expect(ca).toBeGreaterThan(0);
    expect(allocations).toBeGreaterThan(0);
    expect(unprocessed).toBeGreaterThan(0);
    expect(statuses).toEqual(new Set(['Success', 'DuplicateRecord', 'CustomerNotSubscribed']));
    expect(errors).toContain('TimestampOutOfBoundsException');
    expect(errors).toContain('InvalidUsageDimensionException');
    expect(events.some((e) => e.eventName === 'ResolveCustomer')).toBe(true);
    // Both documented casings of the account id key appear (AWS-FACTS §2.6 CONFLICT).
    expect(events.some((e) => e.cloudTrailEvent.includes('"customerAWSAccountID"'))).toBe(true);
    expect(events.some((e) => e.cloudTrailEvent.includes('"customerAWSAccountId"'))).toBe(true);
  });

  it('builds the same JSON each time an event is read', () => {
    const [event] = generateHistory(world, { events: 5, seed: 8, endTime: NOW });
    expect(event?.cloudTrailEvent).toBe(event?.cloudTrailEvent);
    expect(JSON.parse(JSON.stringify(event)) as Json).toHaveProperty('cloudTrailEvent');
  });

  it('holds the variants AWS produces: retries, enriched echoes, SSO and root, AccessDenied, truncation', () => {
    const events = generateHistory(world, { events: 3000, seed: 11, endTime: NOW });
    const parsed = events.map((e) => ({ event: e, json: JSON.parse(e.cloudTrailEvent) as Json }));
    const batches = parsed.filter((p) => p.event.eventName === 'BatchMeterUsage');

    // Identical retries: the same request answered with the same MeteringRecordIds, later, in
    // an event of its own with its own request id.
    const byIds = new Map<string, { eventId: string; requestID: unknown; time: number }[]>();
    for (const { event, json } of batches) {
      const response = json.responseElements as { results?: Json[] } | null;
      if (!response || isOmitted(response)) continue;
      const ids = (response.results ?? []).map((r) => r.meteringRecordId).filter(Boolean);
      if (ids.length === 0) continue;
      const key = ids.join(',');
      byIds.set(key, [
        ...(byIds.get(key) ?? []),
        { eventId: event.eventId, requestID: json.requestID, time: event.eventTime },
      ]);
    }
    const retried = [...byIds.values()].filter((sends) => sends.length > 1);
    expect(retried.length).toBeGreaterThan(10);
    for (const sends of retried) {
      expect(new Set(sends.map((s) => s.eventId)).size).toBe(sends.length);
      expect(new Set(sends.map((s) => s.requestID)).size).toBe(sends.length);
    }

    // Echoes carry the buyer's account id beside a customerIdentifier (the documented sample).
    const echoes = batches.flatMap(({ json }) => {
      const response = json.responseElements as { results?: Json[] } | null;
      return response && !isOmitted(response) ? (response.results ?? []) : [];
    });
    const legacyEcho = echoes
      .map((r) => r.usageRecord as Json)
      .find((u) => typeof u.customerIdentifier === 'string');
    expect(legacyEcho?.customerAWSAccountID).toMatch(/^\d{12}$/);
    // LicenseArn records sent with the other casing come back with both spellings.
    expect(
      echoes
        .map((r) => r.usageRecord as Json)
        .some(
          (u) => 'licenseArn' in u && 'customerAWSAccountId' in u && 'customerAWSAccountID' in u,
        ),
    ).toBe(true);

    // Callers: an IAM Identity Center session (the person is the session name) and root.
    const identities = parsed.map((p) => p.json.userIdentity as Json);
    const sso = identities.find((u) => String(u.arn).includes('AWSReservedSSO_'));
    expect(sso).toMatchObject({ type: 'AssumedRole' });
    expect(String(sso?.arn)).toMatch(
      /assumed-role\/AWSReservedSSO_BillingAdmin_[0-9a-f]+\/alice@example\.com$/,
    );
    expect((sso?.sessionContext as { sessionIssuer: Json }).sessionIssuer.arn).toMatch(
      /:role\/aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_/,
    );
    const root = identities.find((u) => u.type === 'Root');
    expect(root?.arn).toMatch(/^arn:aws:iam::\d{12}:root$/);
    expect(events.find((e) => e.username === 'root')).toBeDefined();

    // AccessDenied: CloudTrail records no parameters and no response.
    const denied = batches.filter((p) => p.json.errorCode === 'AccessDenied');
    expect(denied.length).toBeGreaterThan(0);
    for (const { json } of denied) {
      expect(json.requestParameters).toBeNull();
      expect(json.responseElements).toBeNull();
    }

    // A batch with many allocations is over CloudTrail's field size: both parts omitted.
    const truncated = batches.filter((p) => isOmitted(p.json.requestParameters));
    expect(truncated.length).toBeGreaterThan(0);
    for (const { json, event } of truncated) {
      expect(json.requestParameters).toEqual({ omitted: true });
      // A refused call has no response to omit.
      expect(json.responseElements).toEqual(
        json.errorCode === undefined ? { omitted: true } : null,
      );
      expect(event.cloudTrailEvent.length).toBeLessThan(10_000);
    }
  });
});
