// What reaches the log file: every kind of secret is masked however it is written, the file
// rotates at its size cap keeping a fixed number of files, and every file stays private.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger, LOG_ROTATION, logFilePath } from './file-logger';
import { maskSecrets } from './secret-masking';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0))
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
});
function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'meterdesk-log-'));
  folders.push(folder);
  return folder;
}

/** Deterministic base64 text of a given length (letters, digits, + and /). */
function base64Like(length: number, seed: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let text = '';
  let state = seed;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    text += alphabet.charAt(state % 64);
  }
  // Every class present, as a generated secret has.
  return `Aa0${text.slice(3)}`;
}

const secrets = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  longAccessKeyId: `ASIA${'Q7XK2M9PZR4T'.repeat(10)}`,
  secret16: base64Like(16, 1),
  secret40: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  secret200: base64Like(200, 2),
  sessionToken: `IQoJb3JpZ2luX2VjE${base64Like(600, 3)}==`,
  bearer: 'mdk_9f86d081884c7d659a2feaa0c55ad015',
  registrationToken: base64Like(512, 4),
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJjdXN0b21lcklkZW50aWZpZXIiOiJhYmMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  password: 'hunter2-hunter2',
};

describe('file logger: secrets', () => {
  it('masks every kind of secret in the file, in messages, fields and errors', () => {
    const dir = dataFolder();
    const logger = createFileLogger(dir);
    logger.info('pasted keys', {
      accessKeyId: secrets.accessKeyId,
      secretAccessKey: secrets.secret16,
      SessionToken: secrets.sessionToken,
    });
    logger.warn(`assume role as ${secrets.longAccessKeyId} failed`);
    logger.error('sign-in failed', {
      error: new Error(
        `The security token included in the request is invalid: aws_secret_access_key = ${secrets.secret200}`,
      ),
    });
    logger.info(`profile file says aws_secret_access_key=${secrets.secret40}`);
    logger.info(`a bare secret ${secrets.secret40} and another ${secrets.secret200}`);
    logger.info('request', { headers: { Authorization: `Bearer ${secrets.bearer}` } });
    logger.info(`Authorization: Bearer ${secrets.bearer}`);
    logger.info(`x-amzn-marketplace-token=${secrets.registrationToken}`);
    logger.info(`resolve customer for ${secrets.registrationToken}`);
    logger.info(`session token ${secrets.sessionToken}`);
    logger.info(`the token ${secrets.jwt} was posted`);
    logger.info('settings', { password: secrets.password, registrationToken: secrets.jwt });

    const text = readFileSync(logFilePath(dir), 'utf8');
    for (const [kind, value] of Object.entries(secrets)) {
      expect(text.includes(value), `${kind} is in the log`).toBe(false);
      // Not even the second half of one survives (a partial mask would leave it).
      expect(text.includes(value.slice(Math.floor(value.length / 2))), `part of ${kind}`).toBe(
        false,
      );
    }
    expect(text.split('\n').filter(Boolean)).toHaveLength(12);
    expect(text).toContain('[redacted]');
  });

  it('leaves the facts a reader needs: ids, digests, paths, AWS error names', () => {
    const facts = [
      'ThrottlingException',
      'CustomerNotSubscribedException',
      'requestId 6f0c2b6e-2f7d-4c1e-9b3a-0d5e8a9c1f20',
      'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'data /home/ana/.config/Meterdesk/audit/AbCdEf123456789xyz.duckdb',
      'product prod-abc123def456ghi789',
      'account 111122223333 region us-east-1',
    ];
    for (const fact of facts) expect(maskSecrets(fact)).toBe(fact);
  });
});

describe('file logger: rotation', () => {
  it('is 10 MB × 5 files by default', () => {
    expect(LOG_ROTATION).toEqual({ maxBytes: 10 * 1024 * 1024, files: 5 });
  });

  it('rotates at the size cap, keeps the newest files, drops the oldest, all 0600', () => {
    const dir = dataFolder();
    const logger = createFileLogger(dir, { rotation: { maxBytes: 1000, files: 5 } });
    const line = (index: number) => `line ${String(index).padStart(4, '0')} ${'x'.repeat(60)}`;
    for (let index = 0; index < 200; index += 1) logger.info(line(index));
    const logs = join(dir, 'logs');
    expect(readdirSync(logs).sort()).toEqual([
      'meterdesk.log',
      'meterdesk.log.1',
      'meterdesk.log.2',
      'meterdesk.log.3',
      'meterdesk.log.4',
    ]);
    for (const name of readdirSync(logs)) {
      const stat = statSync(join(logs, name));
      expect(stat.size, name).toBeLessThanOrEqual(1000);
      if (process.platform !== 'win32') expect(stat.mode & 0o777, name).toBe(0o600);
    }
    const all = [
      'meterdesk.log.4',
      'meterdesk.log.3',
      'meterdesk.log.2',
      'meterdesk.log.1',
      'meterdesk.log',
    ]
      .map((name) => readFileSync(join(logs, name), 'utf8'))
      .join('');
    // The newest line is in the current file, and what is kept runs without a gap to it.
    expect(readFileSync(join(logs, 'meterdesk.log'), 'utf8')).toContain(line(199));
    const kept = [...all.matchAll(/line (\d{4})/g)].map((m) => Number(m[1]));
    expect(kept.at(-1)).toBe(199);
    expect(kept).toEqual(kept.map((_, index) => (kept[0] ?? 0) + index));
    expect(kept[0]).toBeGreaterThan(0);
  });

  it('counts what an earlier run left in the file', () => {
    const dir = dataFolder();
    const earlier = 'earlier run '.repeat(75);
    const later = 'this run '.repeat(20);
    createFileLogger(dir, { rotation: { maxBytes: 1000, files: 3 } }).info(earlier);
    createFileLogger(dir, { rotation: { maxBytes: 1000, files: 3 } }).info(later);
    const logs = join(dir, 'logs');
    expect(readFileSync(join(logs, 'meterdesk.log.1'), 'utf8')).toContain(earlier);
    expect(readFileSync(join(logs, 'meterdesk.log'), 'utf8')).toContain(later);
  });
});
