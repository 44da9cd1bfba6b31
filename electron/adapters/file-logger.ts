// Appends log lines to <data>/logs/meterdesk.log. Callers never pass secrets; this file
// additionally masks anything shaped like an AWS secret key, as a last line of defence.
import { dirname, join } from 'node:path';
import { safeStringify, type LogFields, type Logger } from '../core/logger';
import { appendPrivateFile, ensurePrivateDir } from './private-files';

const secretShapes = [
  /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g, // secret access keys
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi,
];

export function maskSecrets(text: string): string {
  let masked = text;
  for (const shape of secretShapes) {
    masked = masked.replace(shape, (match, prefix: unknown) =>
      typeof prefix === 'string' && prefix.length > 0 && prefix.length < match.length
        ? `${prefix}[redacted]`
        : '[redacted]',
    );
  }
  return masked;
}

/** The log file of a data folder. */
export function logFilePath(dataDir: string): string {
  return join(dataDir, 'logs', 'meterdesk.log');
}

export function createFileLogger(dataDir: string, echo?: (line: string) => void): Logger {
  const file = logFilePath(dataDir);
  ensurePrivateDir(dirname(file));
  const write =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      const line = maskSecrets(
        `${new Date().toISOString()} ${level} ${message}${fields ? ` ${safeStringify(fields)}` : ''}`,
      );
      try {
        appendPrivateFile(file, `${line}\n`);
      } catch {
        // Logging must never take the app down.
      }
      echo?.(line);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
