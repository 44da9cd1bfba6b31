// Restart on the same data folder keeps what was billed, minted tokens, keys and credentials.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchMeterUsageCommand,
  RegisterUsageCommand,
  ResolveCustomerCommand,
} from '@aws-sdk/client-marketplace-metering';
import { describe, expect, it } from 'vitest';
import { verifyPs256 } from './jwt';
import { fixtures, startTestSandbox, type AdminState } from './testing/sandbox-testkit';

describe('persistence', () => {
  it('a restart keeps the ledger, dedup index, tokens, keys and credentials', async () => {
    const first = await startTestSandbox({ seed: 7 });
    const dataDir = first.dataDir;
    const state = (await first.admin<AdminState>('GET', '/_sandbox/state')).body;
    const f = fixtures(state);
    const record = {
      Timestamp: new Date(first.now() - 3_600_000),
      Dimension: f.legacy.dimensions[0]?.name ?? '',
      Quantity: 12,
      CustomerIdentifier: f.legacySub.customerIdentifier,
    };
    const billed = await first
      .metering()
      .send(
        new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [record] }),
      );
    const id = billed.Results?.[0]?.MeteringRecordId;
    expect(id).toBeTruthy();
    const token = (
      await first.admin<{ token: string }>('POST', '/_sandbox/tokens', {
        productCode: f.legacy.productCode,
        customerAwsAccountId: f.legacySub.customerAwsAccountId,
      })
    ).body.token;
    const pem = (await first.admin<{ pem: string }>('GET', '/_sandbox/public-key')).body.pem;
    const extra = (
      await first.admin<{ accessKeyId: string; secretAccessKey: string }>(
        'POST',
        '/_sandbox/credentials',
        {},
      )
    ).body;
    const accessKeyId = first.sandbox.accessKeyId;
    await first.close(true);

    // The ledger is plain JSONL on disk.
    const lines = readFileSync(join(dataDir, 'ledger.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);

    const second = await startTestSandbox({ dataDir, seed: 999 });
    try {
      expect(second.sandbox.accessKeyId).toBe(accessKeyId);
      const after = (await second.admin<AdminState>('GET', '/_sandbox/state')).body;
      // The folder's own seed wins, so it is the same world.
      expect(after.seed).toBe(7);
      expect(after.products).toEqual(state.products);
      expect(after.ledger.map((e) => e.meteringRecordId)).toEqual([id]);

      const client = second.metering();
      const again = await client.send(
        new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [record] }),
      );
      expect(again.Results?.[0]).toMatchObject({ Status: 'Success', MeteringRecordId: id });
      const changed = await client.send(
        new BatchMeterUsageCommand({
          ProductCode: f.legacy.productCode,
          UsageRecords: [{ ...record, Quantity: 13 }],
        }),
      );
      expect(changed.Results?.[0]?.Status).toBe('DuplicateRecord');

      const resolved = await client.send(new ResolveCustomerCommand({ RegistrationToken: token }));
      expect(resolved.CustomerAWSAccountId).toBe(f.legacySub.customerAwsAccountId);

      const registered = await client.send(
        new RegisterUsageCommand({ ProductCode: f.container.productCode, PublicKeyVersion: 1 }),
      );
      expect(verifyPs256(pem, registered.Signature ?? '')).toBeDefined();

      const byExtra = await second
        .metering(extra)
        .send(new BatchMeterUsageCommand({ ProductCode: f.legacy.productCode, UsageRecords: [] }));
      expect(byExtra.Results).toEqual([]);
      // CloudTrail kept the first run's call too: 1 before the restart, 5 after.
      expect((await second.admin<AdminState>('GET', '/_sandbox/state')).body.cloudTrailEvents).toBe(
        6,
      );
    } finally {
      await second.close();
    }
  });
});
