// Importing CloudTrail log files over the bridge: each file read and sent in parts
// (./trail-files, shared/trail-parts), main answering one summary per file.
import type { TrailFileSummary } from '../../../shared/audit';
import { sendTrailParts } from '../../../shared/trail-parts';
import { request } from './queries';

export { isTrailFile, readTrailText } from './trail-files';

export function sendTrailText(fileName: string, text: string): Promise<TrailFileSummary> {
  return sendTrailParts(fileName, text, (input) => request('audit:import-trail', input));
}
