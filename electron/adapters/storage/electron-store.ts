// The desktop app persists settings with electron-store under the app's data folder.
import Store from 'electron-store';
import type { KeyValueStore } from '../../services/ports';
import { PRIVATE_FILE_MODE } from '../private-files';

export function createElectronStore(dataDir: string, name: string): KeyValueStore {
  const store = new Store<Record<string, unknown>>({
    cwd: dataDir,
    name,
    configFileMode: PRIVATE_FILE_MODE,
  });
  return {
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}
