// The metering draft of a connection: read once when the screen opens, saved as it changes.
import type { MeteringDraft, SaveDraftInput } from '../../../shared/channels/drafts';
import { request } from './queries';

export function fetchDraft(connectionId: string): Promise<MeteringDraft | null> {
  return request('drafts:get', { connectionId });
}

export function saveDraft(input: SaveDraftInput): Promise<{ savedAt: number }> {
  return request('drafts:save', input);
}
