// Supply chain: CI installs without running dependencies' install scripts, then runs only the
// reviewed ones; every install script in the lockfile is reviewed; the app's runtime imports
// are dependencies and test-only packages are devDependencies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  packagesWithInstallScripts,
  reviewedInstallScripts,
  unreviewedInstallScripts,
} from './install-scripts.mjs';

const root = join(import.meta.dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('install scripts', () => {
  it('CI installs with --ignore-scripts, then runs the reviewed ones', () => {
    const commands = read('.ci/run')
      .split('\n')
      .filter((line) => /^\s*(npm|node) /.test(line))
      .map((line) => line.trim());
    const install = commands.findIndex((line) => line.startsWith('npm ci'));
    expect(commands[install]).toMatch(/^npm ci --ignore-scripts\b/);
    expect(commands[install + 1]).toBe('node scripts/install-scripts.mjs');
    expect(commands.filter((line) => line.startsWith('npm install'))).toEqual([]);
  });

  it('has every install script of the lockfile approved or denied in allowScripts', () => {
    const lockfile = read('package-lock.json');
    const reviewed = reviewedInstallScripts(read('package.json'));
    expect(unreviewedInstallScripts(lockfile, read('package.json'))).toEqual([]);
    expect(reviewed).toEqual({ approved: ['esbuild'], denied: ['electron-winstaller', 'es5-ext'] });
    expect(packagesWithInstallScripts(lockfile)).toEqual(
      [...reviewed.approved, ...reviewed.denied].sort(),
    );
  });

  it('would stop CI at a new dependency with an unreviewed install script', () => {
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, object> };
    lock.packages['node_modules/some-new-dep'] = { version: '1.0.0', hasInstallScript: true };
    lock.packages['node_modules/a/node_modules/@scope/nested'] = { hasInstallScript: true };
    expect(unreviewedInstallScripts(JSON.stringify(lock), read('package.json'))).toEqual([
      '@scope/nested',
      'some-new-dep',
    ]);
  });
});

describe('dependencies', () => {
  const pkg = JSON.parse(read('package.json')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('lists conf (the browser host’s settings store) as a dependency', () => {
    expect(read('electron/adapters/storage/conf-store.ts')).toMatch(/from 'conf'/);
    expect(pkg.dependencies.conf).toBe('15.1.0');
    expect(pkg.devDependencies.conf).toBeUndefined();
  });

  it('keeps @smithy/signature-v4 (used by tests only) a devDependency', () => {
    expect(pkg.devDependencies['@smithy/signature-v4']).toBe('5.7.5');
    expect(pkg.dependencies['@smithy/signature-v4']).toBeUndefined();
  });
});
