// One writer per data folder. The journal of billing calls is a hash chain with one writer: two
// app instances appending to it interleave lines and break it. Every instance therefore takes
// <data>/meterdesk.lock at start, created exclusively ('wx'), naming its process id and the
// process's start time. A lock whose process is gone, or whose process id now belongs to a
// process started at another time (the id was reused after a crash), is stale and taken over.
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { PRIVATE_FILE_MODE } from '../private-files';

export type LockOwner = {
  pid: number;
  /** The process's start time as the system records it ('' where it cannot be read). */
  processStart: string;
  /** Which kind of instance: the desktop app or the browser host. */
  host: string;
  /** When it took the folder (ISO). */
  since: string;
  machine: string;
  /** This taking of the lock, so an instance releases only its own. */
  token: string;
};

/** What the lock asks of the system about a process id. */
export type ProcessProbe = {
  alive: (pid: number) => boolean;
  /** The start time of the process with this id, or null where the system cannot tell. */
  startOf: (pid: number) => string | null;
};

export type DataFolderLock = {
  path: string;
  owner: LockOwner;
  release: () => void;
};

export function lockPath(dataDir: string): string {
  return join(dataDir, 'meterdesk.lock');
}

/** Linux: field 22 of /proc/<pid>/stat, the start time in clock ticks since boot. */
function linuxStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export const systemProbe: ProcessProbe = {
  alive(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      // EPERM: the process exists but belongs to someone else.
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  startOf: (pid) => (process.platform === 'linux' ? linuxStartOf(pid) : null),
};

function readOwner(path: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid)) return null;
    return {
      pid: parsed.pid,
      processStart: typeof parsed.processStart === 'string' ? parsed.processStart : '',
      host: typeof parsed.host === 'string' ? parsed.host : 'unknown',
      since: typeof parsed.since === 'string' ? parsed.since : '',
      machine: typeof parsed.machine === 'string' ? parsed.machine : '',
      token: typeof parsed.token === 'string' ? parsed.token : '',
    };
  } catch {
    // Gone, or unreadable (a crash while it was written): no live owner can be named.
    return null;
  }
}

/** The owner still holds the folder: its process runs and is the one that took the lock. */
function holds(owner: LockOwner, probe: ProcessProbe): boolean {
  if (owner.machine !== '' && owner.machine !== hostname()) return true;
  if (!probe.alive(owner.pid)) return false;
  const start = probe.startOf(owner.pid);
  return start === null || owner.processStart === '' || start === owner.processStart;
}

function busy(dataDir: string, path: string, owner: LockOwner): AppError {
  const where = owner.machine !== '' && owner.machine !== hostname() ? ` on ${owner.machine}` : '';
  return new AppError(
    'CONFLICT',
    `The data folder ${dataDir} is in use by another Meterdesk instance: process ${owner.pid} (${owner.host}${where}), which took it at ${owner.since || 'an unknown time'}. One instance writes a data folder at a time, because its journal of billing calls has one writer.`,
    {
      hint: `Close that instance first, or start this one with another data folder (--data). If no such process runs, delete ${path}.`,
      details: { lock: path, owner },
    },
  );
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Takes the data folder for this process, or throws CONFLICT naming the process holding it. */
export function acquireDataFolderLock(
  dataDir: string,
  host: string,
  options: { probe?: ProcessProbe; now?: () => number } = {},
): DataFolderLock {
  const probe = options.probe ?? systemProbe;
  const path = lockPath(dataDir);
  const owner: LockOwner = {
    pid: process.pid,
    processStart: probe.startOf(process.pid) ?? '',
    host,
    since: new Date((options.now ?? Date.now)()).toISOString(),
    machine: hostname(),
    token: randomUUID(),
  };
  // Twice at most: once as found, once after setting a stale lock aside.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    if (tryCreate(path, owner)) {
      const written = readOwner(path);
      // Another instance replaced it in the same instant (both found the same stale lock).
      if (written?.token !== owner.token) {
        if (written) throw busy(dataDir, path, written);
        continue;
      }
      let released = false;
      return {
        path,
        owner,
        release() {
          if (released) return;
          released = true;
          if (readOwner(path)?.token === owner.token) rmSync(path, { force: true });
        },
      };
    }
    const found = readOwner(path);
    if (found && holds(found, probe)) throw busy(dataDir, path, found);
    rmSync(path, { force: true });
  }
  const found = readOwner(path);
  throw busy(dataDir, path, found ?? { ...owner, pid: 0, host: 'unknown' });
}
