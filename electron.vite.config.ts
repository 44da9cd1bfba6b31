// Builds the three processes: main (ESM: the Electron and browser-host entries, and the CSV
// import worker they start), preload (CommonJS with everything bundled, as a sandboxed preload
// requires) and renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

// The dev server needs an inline preamble and a websocket that the production CSP forbids;
// in dev the CSP comes from the Electron session instead, so drop the meta tag there only.
const dropCspMetaInDev: Plugin = {
  name: 'meterdesk:drop-csp-meta-in-dev',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html.replace(/<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i, ''),
};

// MDESK_OUT_DIR lets parallel work build side by side; packaging always uses out/.
const outRoot = process.env.MDESK_OUT_DIR ?? 'out';

export default defineConfig({
  main: {
    build: {
      outDir: `${outRoot}/main`,
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          browser: resolve(import.meta.dirname, 'electron/main/browser.ts'),
          // CSV imports run in a worker thread, started from this file beside the entries.
          'import-worker': resolve(
            import.meta.dirname,
            'electron/adapters/workers/import-worker.ts',
          ),
          // CloudTrail events are parsed for the audit cache in worker threads started from here.
          'ingest-worker': resolve(
            import.meta.dirname,
            'electron/adapters/workers/ingest-worker.ts',
          ),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: `${outRoot}/preload`,
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react(), dropCspMetaInDev],
    build: {
      outDir: `${outRoot}/renderer`,
      minify: true,
      sourcemap: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'renderer/index.html') },
      },
    },
  },
});
