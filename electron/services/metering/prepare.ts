// Records about to be submitted, checked again by main with the editor's own rules, as the
// engine sends them (keys row-00001…, ISO timestamps) and grouped into the previewed calls.
import { AppError } from '../../../shared/errors';
import type { JournalOperation } from '../../../shared/journal';
import {
  planBatches,
  validateRecords,
  type Product,
  type UsageRecord,
} from '../../../shared/metering';
import { engineRecordOf, rowKey, toDraft } from './engine-records';
import type { EngineRecord } from './wire';

export type PreparedRecords = {
  records: EngineRecord[];
  /** BatchMeterUsage: the calls exactly as planned (MeterUsage: one record per call). */
  batches?: EngineRecord[][];
};

export function prepareRecords(
  operation: JournalOperation,
  records: readonly UsageRecord[],
  catalog: readonly Product[],
  options: {
    now: number;
    newClientToken: () => string;
    dryRun: boolean;
    /** The preview's calls (record indexes per call), when submitting a stored plan. */
    calls?: number[][];
  },
): PreparedRecords {
  if (options.dryRun && operation !== 'MeterUsage') {
    throw new AppError('VALIDATION', 'A dry run is only available for MeterUsage.');
  }
  const mismatched = records.find((r) => r.operation !== operation);
  if (mismatched) {
    throw new AppError(
      'VALIDATION',
      `This submission mixes ${operation} with ${mismatched.operation} records; submit SaaS and AMI/container usage separately.`,
    );
  }
  // Main is authoritative: validate again with the same rules the editor used.
  const checks = validateRecords(records.map(toDraft), { catalog, now: options.now, operation });
  const bad = checks.findIndex((c) => c.issues.some((i) => i.severity === 'error'));
  if (bad >= 0) {
    const issue = checks[bad]?.issues.find((i) => i.severity === 'error');
    throw new AppError(
      'VALIDATION',
      `Record ${bad + 1}: ${issue?.message ?? 'invalid'} Nothing was sent.`,
      {
        ...(issue ? { hint: issue.fix } : {}),
        details: { index: bad, issue },
      },
    );
  }
  const engineRecords = records.map((r, i) =>
    engineRecordOf(r, rowKey(i), operation, options.newClientToken),
  );
  if (operation !== 'BatchMeterUsage') return { records: engineRecords };
  const calls =
    options.calls ?? planBatches([...records], catalog).calls.map((c) => c.recordIndexes);
  const batches = calls.map((indexes) =>
    indexes.map((i) => {
      const r = engineRecords[i];
      if (!r) throw new AppError('INTERNAL', 'The plan names a record that is not there.');
      return r;
    }),
  );
  return { records: engineRecords, batches };
}
