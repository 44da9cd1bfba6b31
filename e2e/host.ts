// Runs the real browser host (`node out/main/browser.js`) as a child process and waits for
// its single "Meterdesk ready at URL" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { browserHostEntry } from './paths';

const READY_LINE = /^Meterdesk ready at (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)$/;

export type BrowserHost = {
  /** The address to open, with the token in the fragment. */
  url: string;
  /** http://127.0.0.1:PORT, without the token. */
  origin: string;
  token: string;
  stop: () => Promise<void>;
};

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export type BrowserHostOptions = {
  /** Seeded CloudTrail history of the built-in sandbox (default: the app's 5,000). */
  sandboxHistory?: number;
  /** The instant (ISO-8601) the host's clock starts at: the test's pinned clock. */
  clockStart?: string;
};

export async function startBrowserHost(
  dataDir: string,
  timeoutMs = 30_000,
  options: BrowserHostOptions = {},
): Promise<BrowserHost> {
  const args = [browserHostEntry, '--port', '0', '--data', dataDir];
  if (options.sandboxHistory !== undefined) {
    args.push('--sandbox-history', String(options.sandboxHistory));
  }
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      ...(options.clockStart === undefined ? {} : { MDESK_TEST_NOW: options.clockStart }),
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await waitForExit(child, 5_000))) {
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    }
  };

  const ready = new Promise<{ origin: string; token: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => {
      reject(new Error(`The browser host did not report ready within ${timeoutMs} ms.\n${stderr}`));
    }, timeoutMs);
    lines.on('line', (line) => {
      const match = READY_LINE.exec(line.trim());
      if (match?.[1] !== undefined && match[2] !== undefined) {
        clearTimeout(timer);
        resolve({ origin: match[1], token: match[2] });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The browser host exited before it was ready (code ${String(code)}, signal ${String(signal)}).\n${stderr}`,
        ),
      );
    });
  });

  try {
    const { origin, token } = await ready;
    return { url: `${origin}/#token=${token}`, origin, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
