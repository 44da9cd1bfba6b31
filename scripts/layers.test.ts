// The layers of DESIGN.md and the small-units limit are lint rules; this proves each rule fires.
// Every fixture in scripts/layer-fixtures/ is linted with the project's own eslint.config.js as
// if it were the file its first line names, and must produce exactly the rule message that line
// expects (or no error of these rules at all for code they allow).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const fixturesDir = join(import.meta.dirname, 'layer-fixtures');
const HEADER = /^\/\/ lint-as: (\S+) \| expect: (.+)$/;

type Fixture = { name: string; lintAs: string; expected: string | null; code: string };

function readFixtures(): Fixture[] {
  return readdirSync(fixturesDir)
    .filter((name) => name.endsWith('.txt'))
    .map((name) => {
      const code = readFileSync(join(fixturesDir, name), 'utf8');
      const match = HEADER.exec(code.split('\n')[0] ?? '');
      if (!match?.[1] || !match[2])
        throw new Error(`${name}: the first line must be a lint-as header`);
      return { name, lintAs: match[1], expected: match[2] === 'none' ? null : match[2], code };
    });
}

// The fixtures are not part of any tsconfig project, so type-aware rules are switched off; the
// layer rules do not need types.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
});

const checkedRules = new Set([
  'no-restricted-imports',
  'no-restricted-globals',
  'max-lines-per-function',
]);

describe('layer rules in eslint.config.js', () => {
  const fixtures = readFixtures();

  it('has a fixture for the function-length limit in services, shared and service tests', () => {
    const limited = fixtures.filter((f) => f.expected?.includes('has too many lines (121)'));
    expect(limited.map((f) => f.lintAs).sort()).toEqual([
      'electron/services/metering/thing.test.ts',
      'electron/services/metering/thing.ts',
      'shared/thing.ts',
    ]);
  });

  it('has a fixture for every layer', () => {
    const layers = new Set(fixtures.map((f) => f.lintAs.split('/').slice(0, 2).join('/')));
    for (const layer of [
      'renderer/src',
      'shared/thing.ts',
      'electron/services',
      'electron/sandbox',
      'electron/main',
      'electron/hosts',
      'electron/app',
    ]) {
      expect(layers, layer).toContain(layer);
    }
  });

  for (const fixture of fixtures) {
    const what = fixture.expected === null ? 'allows' : 'refuses';
    it(`${what} ${fixture.name} linted as ${fixture.lintAs}`, async () => {
      const [result] = await eslint.lintText(fixture.code, {
        filePath: join(root, fixture.lintAs),
      });
      const messages = (result?.messages ?? [])
        .filter((m) => m.ruleId !== null && checkedRules.has(m.ruleId))
        .map((m) => m.message);
      if (fixture.expected === null) {
        expect(messages).toEqual([]);
      } else {
        expect(messages.length, `no layer error for ${fixture.name}`).toBeGreaterThan(0);
        expect(messages.join('\n')).toContain(fixture.expected);
      }
    });
  }
});
