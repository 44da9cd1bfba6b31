// Runs the crash child (./crash-child.ts) and SIGKILLs it after a number of settled calls, for
// the crash tests. Not part of the app.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');
const child = join(import.meta.dirname, 'crash-child.ts');

export type CrashRun = { calls: number; finished: boolean; killed: boolean };

/** Starts the child; resolves once it has been killed (or ended on its own). */
export function runAndKill(
  configPath: string,
  killAfterCalls: number,
  extraDelayMs: number,
): Promise<CrashRun> {
  return new Promise((resolve, reject) => {
    // node itself, not the tsx wrapper: SIGKILL to a wrapper would leave its node child running.
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', child, configPath], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let calls = 0;
    let finished = false;
    let killing = false;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const kill = (): void => {
      if (killing) return;
      killing = true;
      setTimeout(() => proc.kill('SIGKILL'), extraDelayMs);
    };
    const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line === 'ready' && killAfterCalls === 0) kill();
      if (line.startsWith('call ')) {
        calls = Number(line.slice(5));
        if (calls >= killAfterCalls) kill();
      }
      if (line.startsWith('done ')) finished = true;
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) {
        reject(new Error(`crash child failed (${String(code)}): ${stderr}`));
        return;
      }
      resolve({ calls, finished, killed: signal === 'SIGKILL' });
    });
  });
}
