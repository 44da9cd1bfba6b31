// Wires metering drafts: kept in files under the data folder, with the metering area's open
// imports behind them.
import type { draftsChannels } from '../../../shared/channels/drafts';
import { createDraftFiles } from '../../adapters/storage/draft-files';
import { createDraftsService, type ImportDrafts } from '../../services/drafts/drafts';
import type { AreaWiring, CoreDeps } from './types';

export type DraftsChannel = keyof typeof draftsChannels;

export function wireDrafts(deps: CoreDeps, imports: ImportDrafts): AreaWiring<DraftsChannel> {
  const drafts = createDraftsService({
    store: createDraftFiles(deps.dataDir),
    imports,
    now: deps.now,
  });
  return {
    handlers: {
      'drafts:get': ({ connectionId }) => drafts.get(connectionId),
      'drafts:save': (input) => drafts.save(input),
    },
  };
}
