// Sending CloudTrail log files to `audit:import-trail`: each file's text in parts of at most
// TRAIL_PART_MAX_CHARS (the part protocol of metering:import-csv), every part but the last with
// `more: true`, each after the first with the upload id main gave. An import of several files
// lets main hold every file but the last and store them together; a file's summary comes back
// only once its events are stored. Transport-free, so the window and the import benchmark send
// files the same way.
import type { TrailFileSummary } from './audit';
import {
  TRAIL_PART_MAX_CHARS,
  type AuditImportTrailInput,
  type AuditImportTrailOutput,
} from './channels/audit';

type Send = (input: AuditImportTrailInput) => Promise<AuditImportTrailOutput>;

/** Sends one file's text in parts through `send`; returns main's answer to the last part. */
export async function sendTrailParts(
  fileName: string,
  text: string,
  send: Send,
  hold: { holdId?: string; hold?: boolean } = {},
): Promise<Exclude<AuditImportTrailOutput, { status: 'partial' }>> {
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
    ...(hold.hold === true ? { hold: true } : {}),
    ...(hold.holdId === undefined ? {} : { holdId: hold.holdId }),
  });
  if (answer.status === 'partial') throw new Error('The import did not finish.');
  return answer;
}

/**
 * Sends the files of one import in order. `last: false` lets main hold the file to store it
 * with the next ones; the answer lists the files whose events are now stored (this one and
 * earlier held ones, or none yet). After a failed call the next file starts a new import.
 */
export function createTrailSender(send: Send) {
  let holdId: string | undefined;
  return async function sendFile(
    fileName: string,
    text: string,
    options: { last: boolean },
  ): Promise<TrailFileSummary[]> {
    const id = holdId;
    holdId = undefined;
    const answer = await sendTrailParts(fileName, text, send, {
      hold: !options.last,
      ...(id === undefined ? {} : { holdId: id }),
    });
    if (answer.status === 'held') {
      holdId = answer.holdId;
      return answer.stored;
    }
    return [...(answer.stored ?? []), answer.file];
  };
}
