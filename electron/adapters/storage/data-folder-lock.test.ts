import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { acquireDataFolderLock, lockPath, systemProbe } from './data-folder-lock';

const root = join(import.meta.dirname, '..', '..', '..');
const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meterdesk-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
});

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the data folder to be refused');
}

/** A process id that no longer runs: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('one writer per data folder', () => {
  it('a second instance is refused, naming the process that holds the folder; released, it is free', () => {
    const dir = folder();
    const first = acquireDataFolderLock(dir, 'browser host');
    const refused = refusal(() => acquireDataFolderLock(dir, 'desktop app'));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain(`process ${process.pid} (browser host)`);
    expect(refused.message).toContain(dir);
    first.release();
    expect(existsSync(lockPath(dir))).toBe(false);
    acquireDataFolderLock(dir, 'desktop app').release();
  });

  it('takes over a lock whose process is gone', () => {
    const dir = folder();
    const pid = deadPid();
    expect(systemProbe.alive(pid)).toBe(false);
    writeFileSync(
      lockPath(dir),
      JSON.stringify({
        pid,
        processStart: '1',
        host: 'browser host',
        since: '',
        machine: hostname(),
      }),
    );
    const lock = acquireDataFolderLock(dir, 'desktop app');
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('takes over a lock whose process id now belongs to a process started at another time', () => {
    const dir = folder();
    // The id is alive (this very process) but was recorded with another start time: reused.
    writeFileSync(
      lockPath(dir),
      JSON.stringify({
        pid: process.pid,
        processStart: 'another start',
        host: 'browser host',
        since: '',
        machine: hostname(),
      }),
    );
    const probe = { alive: () => true, startOf: () => 'this start' };
    const lock = acquireDataFolderLock(dir, 'desktop app', { probe });
    expect(lock.owner.processStart).toBe('this start');
    lock.release();
  });

  it('refuses while another process holds it, and takes it once that process is killed', async () => {
    const dir = folder();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { acquireDataFolderLock } = await import(${JSON.stringify(join(import.meta.dirname, 'data-folder-lock.ts'))});
         acquireDataFolderLock(${JSON.stringify(dir)}, 'browser host');
         process.stdout.write('held\\n');
         setInterval(() => {}, 1000);`,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => reject(new Error(`lock holder exited early (${String(code)})`)));
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line === 'held') resolve();
        });
      });
      const refused = refusal(() => acquireDataFolderLock(dir, 'desktop app'));
      expect(refused.message).toContain(`process ${String(child.pid)} (browser host)`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Killed without releasing: the lock file stays, and is stale.
    expect(existsSync(lockPath(dir))).toBe(true);
    acquireDataFolderLock(dir, 'desktop app').release();
  });
});
