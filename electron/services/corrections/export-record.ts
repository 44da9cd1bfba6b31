// The proof of a case: its view, with the CloudTrail events (raw) that show each top-up record
// AWS billed, and the metering record ids not found in the audit cache.
import type { CaseView } from '../../../shared/channels/corrections';
import type { CorrectionsDeps } from './ports';
import { correctionRecord } from './record';

function meteringRecordIdsOf(view: CaseView): string[] {
  return view.entries.flatMap((e) =>
    e.kind === 'top-up'
      ? e.outcomes.flatMap((o) => (o.meteringRecordId ? [o.meteringRecordId] : []))
      : [],
  );
}

export async function exportCaseRecord(deps: CorrectionsDeps, view: CaseView) {
  const ids = meteringRecordIdsOf(view);
  const rows = ids.length === 0 ? [] : await deps.audit.rowsByMeteringRecordId(ids);
  const raws = new Map(
    (await deps.audit.rawEvents([...new Set(rows.map((r) => r.eventId))])).map((r) => [
      r.eventId,
      r.raw,
    ]),
  );
  const foundIds = new Set(rows.map((r) => r.meteringRecordId));
  return correctionRecord({
    view,
    createdAt: deps.now(),
    createdBy: deps.osUser,
    topUpEvidence: {
      found: rows.map((r) => ({
        ...r,
        ...(raws.has(r.eventId) ? { raw: raws.get(r.eventId) } : {}),
      })),
      missing: ids.filter((id) => !foundIds.has(id)),
    },
  });
}
