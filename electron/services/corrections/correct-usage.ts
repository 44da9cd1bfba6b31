// What should have been billed: hour-by-hour quantities for the hours of the case, each hour once.
import type { CaseView, UsageLine } from '../../../shared/channels/corrections';
import { AppError } from '../../../shared/errors';
import { loadOwnCase, refreshCase } from './case-access';
import { hoursOf, isoHour } from './period';
import type { CorrectionsDeps, StoredCase } from './ports';

function checkUsageLines(stored: StoredCase, lines: readonly UsageLine[]): void {
  const hours = new Set(hoursOf(stored).map(isoHour));
  const outside = lines.find((l) => !hours.has(l.hour));
  if (outside) {
    throw new AppError('VALIDATION', `${outside.hour} is not an hour of this case.`, {
      hint: `The case covers ${isoHour(stored.from)} to ${isoHour(stored.to)} (exclusive).`,
    });
  }
  const seen = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.hour)) {
      throw new AppError('VALIDATION', `${line.hour} is given twice.`, {
        hint: 'Give each hour once; nothing was changed.',
      });
    }
    seen.add(line.hour);
  }
}

export async function setCorrectUsage(
  deps: CorrectionsDeps,
  caseId: string,
  lines: readonly UsageLine[],
): Promise<CaseView> {
  const stored = await loadOwnCase(deps, caseId);
  checkUsageLines(stored, lines);
  stored.correct = Object.fromEntries(lines.map((l) => [l.hour, l.quantity]));
  return refreshCase(deps, stored);
}
