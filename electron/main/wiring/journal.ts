// Wires the journal area's services to its channels.
import type { journalChannels } from '../../../shared/channels/journal';
import type { AreaWiring, CoreDeps } from './types';

export type JournalChannel = keyof typeof journalChannels;

export function wireJournal(_deps: CoreDeps): AreaWiring<JournalChannel> {
  return { handlers: {} };
}
