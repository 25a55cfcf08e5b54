import { existsSync } from 'node:fs';

/**
 * Debian's Chromium for the browser test projects (never a browser downloaded by Playwright):
 * `CHROMIUM_PATH` or `/usr/bin/chromium`.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Playwright launch options that work headless on these machines (see ENVIRONMENT.md). */
export const chromiumLaunchOptions = {
  executablePath: chromiumPath,
  args: [
    '--headless',
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--enable-unsafe-webgpu',
  ],
};

/**
 * True when Chromium is installed; otherwise warns that `what` is skipped and how to enable it,
 * so a machine without Chromium still passes `pnpm test` and says what it left out.
 */
export function hasChromium(label: string, what: string, install = 'chromium'): boolean {
  if (existsSync(chromiumPath)) return true;
  console.warn(
    `[${label}] Chromium not found at ${chromiumPath}: ${what} are SKIPPED. Enable them with \`apt-get install -y ${install}\` (or set CHROMIUM_PATH); CI installs it.`,
  );
  return false;
}
