// Cost of one durable append, for the bench's `journal_ms_per_call`: appends call-intent entries
// shaped like a full BatchMeterUsage call (25 records) and times them end to end.
import type { Journal } from '../journal';

export type AppendCost = {
  appends: number;
  recordsPerCall: number;
  totalMs: number;
  msPerAppend: number;
};

export async function measureAppendCost(
  journal: Journal,
  appends: number,
  recordsPerCall = 25,
  now: () => number = () => performance.now(),
): Promise<AppendCost> {
  const context = {
    connectionId: 'bench',
    connectionName: 'Bench',
    account: '123456789012',
    region: 'us-east-1',
    osUser: 'bench',
  };
  const submissionId = `bench-${Date.now().toString(36)}`;
  const records = Array.from({ length: recordsPerCall }, (_, index) => ({
    key: `row-${index + 1}`,
    record: {
      Timestamp: '2026-08-01T10:00:00.000Z',
      CustomerAWSAccountId: '210987654321',
      LicenseArn: 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0',
      Dimension: 'requests',
      Quantity: 1000 + index,
    },
  }));
  const started = now();
  for (let call = 1; call <= appends; call += 1) {
    await journal.append({
      kind: 'call-intent',
      submissionId,
      callId: `${submissionId}-${call}`,
      context,
      attempt: 1,
      operation: 'BatchMeterUsage',
      records,
    });
  }
  const totalMs = now() - started;
  return { appends, recordsPerCall, totalMs, msPerAppend: appends > 0 ? totalMs / appends : 0 };
}
