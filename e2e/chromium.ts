// Finds a Chromium for the browser-host project: $MDESK_CHROMIUM, else a system Chromium,
// else the one packed inside @sparticuz/chromium (unpacked to the temp folder on first use).
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The machine may have no network: keep Chromium from trying to reach Google. */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
];

const systemCandidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export type ChromiumChoice = {
  executablePath: string;
  source: string;
  /** Extra environment for the browser process (fonts for the packed build). */
  env: Record<string, string>;
};

export async function findChromium(): Promise<ChromiumChoice> {
  const fromEnv = process.env.MDESK_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!existsSync(fromEnv)) {
      throw new Error(`MDESK_CHROMIUM points to "${fromEnv}", which does not exist.`);
    }
    const fonts = process.env.FONTCONFIG_PATH;
    return {
      executablePath: fromEnv,
      source: 'MDESK_CHROMIUM',
      env: fonts === undefined ? {} : { FONTCONFIG_PATH: fonts },
    };
  }
  const system = systemCandidates.find((candidate) => existsSync(candidate));
  if (system !== undefined) return { executablePath: system, source: 'system', env: {} };

  const { default: packed } = await import('@sparticuz/chromium');
  // No WebGL needed; skips unpacking SwiftShader.
  packed.setGraphicsMode = false;
  const executablePath = await packed.executablePath();
  // Without a system fontconfig, text would render as boxes; the package ships Open Sans and
  // a fonts.conf that it unpacks next to the binary.
  const env: Record<string, string> = existsSync('/etc/fonts/fonts.conf')
    ? {}
    : { FONTCONFIG_PATH: join(tmpdir(), 'fonts') };
  return { executablePath, source: '@sparticuz/chromium', env };
}
