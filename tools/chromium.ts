import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BrowserCommand } from 'vitest/node';

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

/** Cross-origin isolation headers for a browser project's page, so wasm threads get shared memory. */
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const reportsFolder = fileURLToPath(new URL('../reports/conformance/', import.meta.url));

/**
 * A vitest browser command that lets browser tests write a conformance report to
 * `reports/conformance/<name>.json` at the repo root (where the docs app reads reports).
 */
export const writeConformanceReport: BrowserCommand<[name: string, json: string]> = async (
  _context,
  name,
  json,
) => {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad report name ${name}`);
  await mkdir(reportsFolder, { recursive: true });
  await writeFile(`${reportsFolder}${name}.json`, json);
};
