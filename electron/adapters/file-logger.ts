// Appends log lines to <data>/logs/meterdesk.log. Callers never pass secrets; this file
// additionally masks anything shaped like an AWS secret key, as a last line of defence.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { safeStringify, type LogFields, type Logger } from '../core/logger';

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

export function createFileLogger(dataDir: string, echo?: (line: string) => void): Logger {
  const folder = join(dataDir, 'logs');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'meterdesk.log');
  const write =
    (level: string) =>
    (message: string, fields?: LogFields): void => {
      const line = maskSecrets(
        `${new Date().toISOString()} ${level} ${message}${fields ? ` ${safeStringify(fields)}` : ''}`,
      );
      try {
        appendFileSync(file, `${line}\n`);
      } catch {
        // Logging must never take the app down.
      }
      echo?.(line);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
