// Runs @doyensec/electronegativity (Electron's security scanner) over the app's sources, offline:
// its own translation download is replaced by the copies it ships, and the one check that asks
// GitHub for Electron releases is left out (the Electron version comes from package.json).
//   node scripts/electronegativity.mjs   prints every finding; exits 1 on a blocking one
// Blocking: HIGH or MEDIUM severity at FIRM or CERTAIN confidence (scripts/electronegativity.test.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const scannerDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
const scannerRequire = createRequire(join(scannerDir, 'package.json'));

/** Needs the network (it downloads Electron's release list), and says nothing about our code. */
const OFFLINE_ONLY = ['AvailableSecurityFixesGlobalCheck'];

/**
 * What is scanned: the main process, preload and hosts with every check; the renderer (its
 * index.html carries the CSP) without the two checks that look for main-process handlers,
 * which a renderer folder cannot contain and which the electron/ scan covers.
 */
export const SCANNED = [
  { folder: 'electron', exclude: OFFLINE_ONLY },
  {
    folder: 'renderer',
    exclude: [...OFFLINE_ONLY, 'LimitNavigationGlobalCheck', 'PermissionRequestHandlerGlobalCheck'],
  },
];

function useBundledTranslations() {
  const i18nPath = join(scannerDir, 'dist', 'locales', 'i18n.js');
  scannerRequire(i18nPath);
  const i18n = scannerRequire('i18n');
  const configure = () => {
    i18n.configure({
      locales: ['en-US'],
      defaultLocale: 'en-US',
      directory: dirname(i18nPath),
      updateFiles: false,
      objectNotation: true,
      retryInDefaultLocale: true,
      register: globalThis,
    });
    i18n.setLocale('en-US');
    return Promise.resolve();
  };
  const cached = scannerRequire.cache[i18nPath];
  if (!cached) throw new Error('electronegativity: its i18n module did not load');
  cached.exports = configure;
}

function electronVersion() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const declared = pkg.devDependencies?.electron ?? pkg.dependencies?.electron;
  if (typeof declared !== 'string') throw new Error('package.json declares no electron version');
  return declared.replace(/^[^\d]*/, '');
}

/**
 * @returns {Promise<{ findings: { id: string, severity: string, confidence: string, file: string,
 *   line: number, column: number, sample: string }[], errors: { file: string, message: string,
 *   tolerable: boolean }[], checks: number }>}
 */
export async function scanElectronApp() {
  useBundledTranslations();
  const run = scannerRequire(join(scannerDir, 'dist', 'runner.js'));
  const version = electronVersion();
  const findings = [];
  const errors = [];
  let checks = 0;
  for (const { folder, exclude } of SCANNED) {
    const result = await run({
      input: join(root, folder),
      customScan: [],
      excludeFromScan: exclude,
      isRelative: false,
      electronVersionOverride: version,
      parserPlugins: [],
    });
    checks = result.globalChecks + result.atomicChecks;
    errors.push(...result.errors.map((e) => ({ ...e, file: relative(root, e.file) })));
    for (const issue of result.issues) {
      findings.push({
        id: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: relative(root, issue.file),
        line: issue.location.line,
        column: issue.location.column,
        sample: String(issue.sample ?? '').trim(),
      });
    }
  }
  return { findings, errors, checks };
}

export function isBlocking(finding) {
  return (
    ['HIGH', 'MEDIUM'].includes(finding.severity) &&
    ['FIRM', 'CERTAIN'].includes(finding.confidence)
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { findings, errors, checks } = await scanElectronApp();
  console.log(
    `electronegativity: ${checks} checks over ${SCANNED.map((s) => s.folder).join(', ')}`,
  );
  for (const f of findings) {
    const mark = isBlocking(f) ? 'BLOCKING' : 'review';
    console.log(
      `${mark} ${f.id} ${f.severity}/${f.confidence} ${f.file}:${f.line}:${f.column} ${f.sample}`,
    );
  }
  for (const e of errors)
    console.log(`${e.tolerable ? 'warning' : 'error'} parsing ${e.file}: ${e.message}`);
  process.exit(findings.some(isBlocking) ? 1 : 0);
}
