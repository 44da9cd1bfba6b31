// The correction record: the proof of a case. A JSON document with everything (before/after per
// hour, what was sent, adjustment ids and statuses, the CloudTrail events that show the top-ups),
// a CSV of the hours and a CSV of the actions, each with its SHA-256, and a manifest in
// `sha256sum` format so `sha256sum -c` checks the files after download.
import type { CaseView } from '../../../shared/channels/corrections';
import { csvDocument, csvIdCell, csvTextCell } from '../../../shared/csv';
import { sha256Hex } from '../journal/verify';
import type { BilledRow } from './ports';

export const RECORD_FORMAT = 'meterdesk-correction-record';

export type TopUpEvidence = {
  found: (BilledRow & { raw?: string })[];
  /** Top-up MeteringRecordIds the audit cache does not hold yet (sync CloudTrail, export again). */
  missing: string[];
};

export type RecordFile = { fileName: string; mimeType: string; text: string; sha256: string };

const num = (value: number | null): string => (value === null ? '' : String(value));
/** Money strings are plain decimals: written as numbers, never as formulas. */
const money = (value: string | null): string => value ?? '';

function hoursCsv(view: CaseView): string {
  const header = [
    'hour_utc',
    'sent_journal',
    'billed_cloudtrail',
    'billed',
    'billed_from',
    'top_up',
    'correct',
    'difference_units',
    'difference_amount',
    'currency',
    'invoice_id',
    'metering_record_ids',
  ].join(',');
  const lines = view.hours.map((h) =>
    [
      h.hour,
      num(h.sent),
      num(h.billedCloudTrail),
      String(h.billed),
      h.billedFrom,
      String(h.topUp),
      num(h.correct),
      num(h.differenceUnits),
      money(h.differenceAmount),
      view.agreement.currencyCode,
      csvIdCell(h.invoice?.invoiceId),
      csvTextCell(h.meteringRecordIds.join(' ')),
    ].join(','),
  );
  return csvDocument([header, ...lines]);
}

function actionsCsv(view: CaseView): string {
  const header = [
    'entry_id',
    'kind',
    'status',
    'client_token',
    'billing_adjustment_request_id',
    'invoice_id',
    'amount',
    'currency',
    'submission_id',
    'hour_utc',
    'units',
    'metering_record_id',
    'status_message',
  ].join(',');
  const lines: string[] = [];
  for (const e of view.entries) {
    if (e.kind === 'refund') {
      lines.push(
        [
          csvIdCell(e.entryId),
          'refund',
          e.status,
          csvIdCell(e.clientToken),
          csvIdCell(e.billingAdjustmentRequestId),
          csvIdCell(e.invoiceId),
          e.amount,
          e.currencyCode,
          '',
          csvTextCell(e.hours.map((h) => h.hour).join(' ')),
          String(e.hours.reduce((s, h) => s + h.units, 0)),
          '',
          csvTextCell(e.statusMessage ?? e.error?.message),
        ].join(','),
      );
    } else {
      for (const r of e.records) {
        const outcome = e.outcomes.find((o) => o.key === r.key);
        lines.push(
          [
            csvIdCell(e.entryId),
            'top-up',
            outcome?.status ?? e.status,
            '',
            '',
            '',
            '',
            '',
            csvIdCell(e.submissionId),
            r.hour,
            String(r.quantity),
            csvIdCell(outcome?.meteringRecordId),
            csvTextCell(outcome?.error),
          ].join(','),
        );
      }
    }
  }
  return csvDocument([header, ...lines]);
}

function file(fileName: string, mimeType: string, text: string): RecordFile {
  return { fileName, mimeType, text, sha256: sha256Hex(text) };
}

export function correctionRecord(input: {
  view: CaseView;
  createdAt: number;
  createdBy: string;
  topUpEvidence: TopUpEvidence;
}): RecordFile[] {
  const { view } = input;
  const stamp = new Date(input.createdAt).toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const base = `meterdesk-correction-${view.caseId}-${stamp}`;
  const json = {
    format: RECORD_FORMAT,
    version: 1,
    createdAt: new Date(input.createdAt).toISOString(),
    createdBy: input.createdBy,
    case: {
      caseId: view.caseId,
      state: view.state,
      createdAt: view.createdAt,
      connection: view.connection,
      customer: view.customer,
      product: view.product,
      dimension: view.dimension,
      from: view.from,
      to: view.to,
      agreement: view.agreement,
    },
    totals: { differenceUnits: view.differenceUnits, differenceAmount: view.differenceAmount },
    hours: view.hours.map((h) => ({
      hour: h.hour,
      before: {
        sent: h.sent,
        billedCloudTrail: h.billedCloudTrail,
        billed: h.billed,
        billedFrom: h.billedFrom,
        meteringRecordIds: h.meteringRecordIds,
        eventIds: h.eventIds,
        invoiceId: h.invoice?.invoiceId ?? null,
      },
      after: { correct: h.correct, topUp: h.topUp },
      difference: { units: h.differenceUnits, amount: h.differenceAmount },
    })),
    proposal: view.proposal,
    sent: view.entries,
    cloudTrail: {
      topUpEvents: input.topUpEvidence.found,
      notYetInCache: input.topUpEvidence.missing,
    },
    notes: view.notes,
  };
  const files = [
    file(`${base}.json`, 'application/json', `${JSON.stringify(json, null, 2)}\n`),
    file(`${base}-hours.csv`, 'text/csv;charset=utf-8', hoursCsv(view)),
    file(`${base}-actions.csv`, 'text/csv;charset=utf-8', actionsCsv(view)),
  ];
  const manifest = files.map((f) => `${f.sha256}  ${f.fileName}\n`).join('');
  return [...files, file(`${base}.sha256`, 'text/plain;charset=utf-8', manifest)];
}
