// electron-builder cannot run here (it downloads Electron), so its configuration is checked
// with electron-builder's own loader and schema validator, plus what we promise about it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

async function loadConfig() {
  return getConfig(root, join(root, 'electron-builder.yml'), null);
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('would be rejected if it drifted from the schema (the check can fail)', async () => {
    const config = { ...(await loadConfig()), notAnOption: true } as Parameters<
      typeof validateConfiguration
    >[0];
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(
      /unknown property 'notAnOption'/,
    );
  });

  it('targets AppImage and deb, dmg, and nsis', async () => {
    const config = await loadConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
  });

  it('packages only the built output, never sources, tests, configs or .env files', async () => {
    const config = await loadConfig();
    const [set] = config.files as { filter: string[] }[];
    const patterns = set?.filter ?? [];
    // The same matching electron-builder applies: later negations remove earlier matches.
    const packed = (file: string): boolean =>
      patterns.reduce(
        (keep, pattern) =>
          pattern.startsWith('!')
            ? keep && !minimatch(file, pattern.slice(1), { dot: true })
            : keep || minimatch(file, pattern, { dot: true }),
        false,
      );
    const repoFiles = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter(Boolean);
    const candidates = [
      ...repoFiles,
      '.env',
      '.env.production',
      'out/main/index.js',
      'out/main/index.js.map',
      'out/main/import-worker.js',
      'out/main/ingest-worker.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'out/renderer/assets/index.js',
      'out/.env',
      'out/.build-stamp',
    ];
    const selected = candidates.filter(packed).sort();
    expect(selected).toEqual([
      'out/main/import-worker.js',
      'out/main/index.js',
      'out/main/ingest-worker.js',
      'out/preload/index.cjs',
      'out/renderer/assets/index.js',
      'out/renderer/index.html',
      'package.json',
    ]);
    expect(config.extraMetadata).toEqual({ main: 'out/main/index.js' });
  });

  it('unpacks DuckDB’s native binding and engine library from the asar, on every platform', async () => {
    const config = await loadConfig();
    const unpack = ([] as string[]).concat(config.asarUnpack ?? []);
    const unpacked = (file: string): boolean =>
      unpack.some((pattern) => minimatch(file, pattern, { dot: true }));
    // What is installed here, read from disk, plus the other platforms' packages by name.
    const installed = execFileSync(
      'git',
      ['ls-files', '--others', '--ignored', '--exclude-standard', 'node_modules/@duckdb'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((f) => /node-bindings-[^/]+\/[^/]+\.(node|so|dylib|dll)$/.test(f));
    expect(installed.length).toBeGreaterThan(0);
    const others = [
      'node_modules/@duckdb/node-bindings-darwin-arm64/duckdb.node',
      'node_modules/@duckdb/node-bindings-darwin-arm64/libduckdb.dylib',
      'node_modules/@duckdb/node-bindings-win32-x64/duckdb.node',
      'node_modules/@duckdb/node-bindings-win32-x64/duckdb.dll',
      'node_modules/@duckdb/node-bindings-linux-arm64/libduckdb.so',
    ];
    for (const file of [...installed, ...others]) expect(unpacked(file), file).toBe(true);
    // Only the binding packages: the JavaScript API stays packed.
    expect(unpacked('node_modules/@duckdb/node-api/lib/index.js')).toBe(false);
    expect(unpacked('node_modules/@duckdb/node-bindings/duckdb.js')).toBe(false);
  });

  it('flips every fuse that keeps other programs from running code inside the app', async () => {
    const config = await loadConfig();
    // Each one, exactly: a missing fuse keeps Electron's permissive default.
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('signs macOS with its own entitlements, never disabling library validation', async () => {
    const config = await loadConfig();
    expect(config.mac?.hardenedRuntime).toBe(true);
    const files = [config.mac?.entitlements, config.mac?.entitlementsInherit];
    expect(files).toEqual(['build/entitlements.mac.plist', 'build/entitlements.mac.inherit.plist']);
    for (const file of files) {
      const path = join(root, file ?? '<unset>');
      expect(existsSync(path), `${file ?? '<unset>'} exists`).toBe(true);
      const plist = readFileSync(path, 'utf8');
      const granted = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1]);
      expect(granted, file ?? '<unset>').toEqual(['com.apple.security.cs.allow-jit']);
      expect(plist).not.toMatch(/<key>com\.apple\.security\.cs\.disable-library-validation</);
    }
  });
});

describe('electron.vite.config.ts', () => {
  it('builds, beside the entries, every worker file the entries start', async () => {
    const mod = (await import('../electron.vite.config')) as {
      default: { main?: { build?: { rolldownOptions?: { input?: Record<string, string> } } } };
    };
    const inputs = Object.keys(mod.default.main?.build?.rolldownOptions?.input ?? {});
    for (const entry of ['electron/main/index.ts', 'electron/main/browser.ts']) {
      const source = readFileSync(join(root, entry), 'utf8');
      const started = [...source.matchAll(/new URL\('\.\/([\w-]+)\.js', import\.meta\.url\)/g)].map(
        (m) => m[1],
      );
      expect(started, entry).toEqual(expect.arrayContaining(['import-worker', 'ingest-worker']));
      for (const name of started) expect(inputs, `${entry} starts ${String(name)}`).toContain(name);
    }
  });
});
