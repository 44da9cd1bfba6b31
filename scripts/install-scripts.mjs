// Install scripts are code a dependency runs on the machine at install time. CI installs with
// `npm ci --ignore-scripts`, then this runs only the ones package.json's `allowScripts` approves
// (npm's own record, kept with `npm install-scripts approve|deny`), and stops if the lockfile
// holds an install script nobody reviewed. Why each is approved or denied: README, "Security".
//   node scripts/install-scripts.mjs   (after npm ci --ignore-scripts)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Package names (not paths) of every lockfile entry with an install script. */
export function packagesWithInstallScripts(lockfileText) {
  const lock = JSON.parse(lockfileText);
  const names = new Set();
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (entry.hasInstallScript !== true || path === '') continue;
    names.add(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  }
  return [...names].sort();
}

/** package.json's allowScripts as { approved, denied } package names (a pin `name@1.2.3` too). */
export function reviewedInstallScripts(packageJsonText) {
  const allow = JSON.parse(packageJsonText).allowScripts ?? {};
  const nameOf = (key) => key.replace(/(?<=.)@[^@]*$/, '');
  const entries = Object.entries(allow);
  return {
    approved: entries
      .filter(([, ok]) => ok === true)
      .map(([key]) => nameOf(key))
      .sort(),
    denied: entries
      .filter(([, ok]) => ok === false)
      .map(([key]) => nameOf(key))
      .sort(),
  };
}

export function unreviewedInstallScripts(lockfileText, packageJsonText) {
  const { approved, denied } = reviewedInstallScripts(packageJsonText);
  return packagesWithInstallScripts(lockfileText).filter(
    (name) => !approved.includes(name) && !denied.includes(name),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const packageJson = readFileSync(join(root, 'package.json'), 'utf8');
  const lockfile = readFileSync(join(root, 'package-lock.json'), 'utf8');
  const unreviewed = unreviewedInstallScripts(lockfile, packageJson);
  if (unreviewed.length > 0) {
    console.error(
      `install scripts nobody reviewed: ${unreviewed.join(', ')}. Read them, then run ` +
        '`npm install-scripts approve <name>` or `npm install-scripts deny <name>`.',
    );
    process.exit(1);
  }
  const { approved, denied } = reviewedInstallScripts(packageJson);
  console.log(`install scripts: running ${approved.join(', ')}; denied ${denied.join(', ')}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, ['rebuild', '--foreground-scripts', ...approved], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}
