// Importing CloudTrail log files over the bridge: each file read and sent in parts
// (./trail-files, shared/trail-parts), main holding every file of an import but the last so it
// can store several in one write, and answering each file's summary once it is stored.
import { createTrailSender } from '../../../shared/trail-parts';
import { request } from './queries';

export { isTrailFile, readTrailText } from './trail-files';

/** A sender for one import's files (see createTrailSender). */
export function trailImportSender() {
  return createTrailSender((input) => request('audit:import-trail', input));
}
