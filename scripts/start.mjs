// `npm start [-- --browser] [--port N] [--data DIR]`: builds if needed, then opens the desktop
// window; where Electron cannot start it says so in one line and starts the browser host.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildIfNeeded, outDir, root } from './build-if-needed.mjs';

const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const passThrough = args.filter((arg) => arg !== '--browser');

// Reads electron's path.txt instead of require('electron'), which would try to download the
// binary when it is missing: slow and noisy on an offline machine.
function electronBinary() {
  let packageDir;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override
    ? join(override, relative || 'electron')
    : join(packageDir, 'dist', relative);
  return relative !== '' || override ? (existsSync(binary) ? binary : null) : null;
}

function electronUnavailableReason() {
  if (!electronBinary()) return 'the Electron binary is not installed';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'there is no display';
  }
  return null;
}

function startBrowserHost() {
  const child = spawn(process.execPath, [join(outDir, 'main', 'browser.js'), ...passThrough], {
    cwd: root,
    stdio: 'inherit',
  });
  forwardSignals(child);
  child.on('exit', (code) => process.exit(code ?? 0));
}

function forwardSignals(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

buildIfNeeded({ quiet: true });
const reason = forceBrowser ? null : electronUnavailableReason();
if (forceBrowser) {
  startBrowserHost();
} else if (reason) {
  console.log(`Electron cannot start here (${reason}); starting the browser host instead.`);
  startBrowserHost();
} else {
  const startedAt = Date.now();
  const child = spawn(electronBinary(), [root, ...passThrough], { cwd: root, stdio: 'inherit' });
  forwardSignals(child);
  child.on('exit', (code) => {
    // A crash within seconds means Electron could not start on this machine (missing libraries…).
    if (code !== 0 && Date.now() - startedAt < 5_000) {
      console.log(`Electron exited at start (code ${code}); starting the browser host instead.`);
      startBrowserHost();
      return;
    }
    process.exit(code ?? 0);
  });
}
