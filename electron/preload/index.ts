// Preload of the sandboxed window (bundled as CommonJS, out/preload/index.cjs): exposes only
// `window.meterdesk`, built from the contract.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeBridge } from './bridge';

exposeBridge(contextBridge, ipcRenderer);
