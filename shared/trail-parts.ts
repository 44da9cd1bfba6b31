// Sending one CloudTrail log file's text to `audit:import-trail` in parts of at most
// TRAIL_PART_MAX_CHARS (the part protocol of metering:import-csv): every part but the last with
// `more: true`, each after the first with the upload id main gave. Transport-free, so the window
// and the import benchmark send files the same way.
import type { TrailFileSummary } from './audit';
import {
  TRAIL_PART_MAX_CHARS,
  type AuditImportTrailInput,
  type AuditImportTrailOutput,
} from './channels/audit';

/** Sends one file's text in parts through `send`; the last answer carries the file's summary. */
export async function sendTrailParts(
  fileName: string,
  text: string,
  send: (input: AuditImportTrailInput) => Promise<AuditImportTrailOutput>,
): Promise<TrailFileSummary> {
  let uploadId: string | undefined;
  let offset = 0;
  while (text.length - offset > TRAIL_PART_MAX_CHARS) {
    const answer = await send({
      fileName,
      text: text.slice(offset, offset + TRAIL_PART_MAX_CHARS),
      more: true,
      ...(uploadId === undefined ? {} : { uploadId }),
    });
    if (answer.status !== 'partial') throw new Error('The import ended before the file was sent.');
    uploadId = answer.uploadId;
    offset += TRAIL_PART_MAX_CHARS;
  }
  const answer = await send({
    fileName,
    text: text.slice(offset),
    ...(uploadId === undefined ? {} : { uploadId }),
  });
  if (answer.status !== 'done') throw new Error('The import did not finish.');
  return answer.file;
}
