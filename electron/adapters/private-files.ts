// The data folder is private to the user: the folder and every folder in it 0700, every file
// 0600. Files are created that way (an explicit mode where we create them, and a 077 umask for
// what libraries create: DuckDB's files, electron-store's temp files), and a folder made by an
// older version or by hand is tightened at start. Windows has no such bits: there the folder
// under %APPDATA% carries the profile's ACL (the user, SYSTEM and Administrators only).
import {
  appendFileSync,
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const isWindows = (): boolean => process.platform === 'win32';

/** From now on, nothing this process creates is readable by group or others (Unix). */
export function restrictNewFiles(): void {
  if (!isWindows()) process.umask(0o077);
}

/** Creates the folder (and parents) 0700, and makes it 0700 if it already existed. */
export function ensurePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!isWindows()) chmodSync(path, PRIVATE_DIR_MODE);
}

/** Appends to a file that is created 0600 if it does not exist yet. */
export function appendPrivateFile(path: string, data: string | Uint8Array): void {
  appendFileSync(path, data, { mode: PRIVATE_FILE_MODE });
}

/** Replaces a file through a 0600 temp file and a rename (a crash leaves old or new). */
export function writePrivateFileAtomic(path: string, data: string | Uint8Array): void {
  ensurePrivateDir(dirname(path));
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data, { mode: PRIVATE_FILE_MODE });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export type TightenReport = { folders: number; files: number };

/**
 * Sets every folder under `root` (and `root`) to 0700 and every file to 0600. Symbolic links
 * are neither followed nor changed: the data folder's own files are what it protects.
 */
export function tightenPrivateTree(root: string): TightenReport {
  const report: TightenReport = { folders: 0, files: 0 };
  if (isWindows()) return report;
  const visit = (path: string): void => {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return;
    if (stats.isDirectory()) {
      if ((stats.mode & 0o777) !== PRIVATE_DIR_MODE) {
        chmodSync(path, PRIVATE_DIR_MODE);
        report.folders += 1;
      }
      for (const entry of readdirSync(path)) visit(join(path, entry));
      return;
    }
    if (stats.isFile() && (stats.mode & 0o777) !== PRIVATE_FILE_MODE) {
      chmodSync(path, PRIVATE_FILE_MODE);
      report.files += 1;
    }
  };
  visit(root);
  return report;
}

/** At start: files created private from now on, the folder made, and its contents tightened. */
export function preparePrivateDataFolder(dataDir: string): TightenReport {
  restrictNewFiles();
  ensurePrivateDir(dataDir);
  return tightenPrivateTree(dataDir);
}
