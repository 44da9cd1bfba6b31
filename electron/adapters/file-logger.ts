// Appends log lines to <data>/logs/meterdesk.log (0600 in a 0700 folder), every line passed
// through maskSecrets. At 10 MB the file rotates: meterdesk.log becomes meterdesk.log.1, the
// older ones move up one, and the fifth file is dropped, so the logs never take more than 50 MB.
import { renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { safeStringify, type LogFields, type Logger } from '../core/logger';
import { appendPrivateFile, ensurePrivateDir } from './private-files';
import { maskSecrets } from './secret-masking';

export const LOG_ROTATION = { maxBytes: 10 * 1024 * 1024, files: 5 };

export type FileLoggerOptions = {
  echo?: (line: string) => void;
  /** Tests shrink these; the defaults are LOG_ROTATION. */
  rotation?: { maxBytes: number; files: number };
};

/** The log file of a data folder. */
export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', 'meterdesk.log');
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** meterdesk.log → .1 → .2 …; the last of `files` is removed. */
function rotate(file: string, files: number): void {
  rmSync(`${file}.${files - 1}`, { force: true });
  for (let index = files - 2; index >= 1; index -= 1) {
    try {
      renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    } catch {
      // That generation does not exist yet.
    }
  }
  renameSync(file, `${file}.1`);
}

export function createFileLogger(dataDir: string, options: FileLoggerOptions = {}): Logger {
  const file = logFilePath(dataDir);
  const { maxBytes, files } = options.rotation ?? LOG_ROTATION;
  ensurePrivateDir(dirname(file));
  let size = sizeOf(file);
  const append = (text: string): void => {
    const bytes = Buffer.byteLength(text);
    if (size > 0 && size + bytes > maxBytes) {
      rotate(file, files);
      size = 0;
    }
    appendPrivateFile(file, text);
    size += bytes;
  };
  const write =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      const line = maskSecrets(
        `${new Date().toISOString()} ${level} ${message}${fields ? ` ${safeStringify(fields)}` : ''}`,
      );
      try {
        append(`${line}\n`);
      } catch {
        // Logging must never take the app down.
      }
      options.echo?.(line);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
