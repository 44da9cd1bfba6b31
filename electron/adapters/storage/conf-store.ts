// The browser host and tests persist through `conf` (electron-store's engine, minus Electron).
import Conf from 'conf';
import type { KeyValueStore } from '../../services/ports';
import { PRIVATE_FILE_MODE } from '../private-files';

export function createConfStore(dataDir: string, name: string): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({
    cwd: dataDir,
    configName: name,
    projectName: 'meterdesk',
    projectSuffix: '',
    configFileMode: PRIVATE_FILE_MODE,
  });
  return {
    get: (key) => conf.get(key),
    set: (key, value) => conf.set(key, value),
    delete: (key) => conf.delete(key),
  };
}
