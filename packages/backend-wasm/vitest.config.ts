import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import type { BrowserCommand } from 'vitest/node';
import { chromiumLaunchOptions, hasChromium } from '../../tools/chromium';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

// The conformance suite in Debian's Chromium (src/**/*.browser.test.ts) needs Chromium and the
// Playwright provider; without either, that project is left out and says so.
async function playwrightProvider(): Promise<unknown> {
  // A computed specifier: not a dependency of this package yet (see the README).
  const specifier = '@vitest/browser-playwright';
  try {
    const { playwright } = (await import(specifier)) as {
      playwright: (options: { launchOptions: typeof chromiumLaunchOptions }) => unknown;
    };
    return playwright({ launchOptions: chromiumLaunchOptions });
  } catch {
    console.warn(
      '[backend-wasm] @vitest/browser-playwright is not installed here: the Chromium conformance run is SKIPPED.',
    );
    return undefined;
  }
}
const provider = hasChromium('backend-wasm', 'the Chromium conformance run')
  ? await playwrightProvider()
  : undefined;

const reportsFolder = fileURLToPath(new URL('../../reports/conformance/', import.meta.url));

/** Lets browser tests write a conformance report to reports/conformance/<name>.json. */
const writeConformanceReport: BrowserCommand<[name: string, json: string]> = async (
  _context,
  name,
  json,
) => {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad report name ${name}`);
  await mkdir(reportsFolder, { recursive: true });
  await writeFile(`${reportsFolder}${name}.json`, json);
};

// Cross-origin isolation, so that wasmBackend({ threads }) has shared memory in the page.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts'],
          // The conformance suite's heap check needs global.gc.
          execArgv: ['--expose-gc'],
        },
      },
      ...(provider === undefined
        ? []
        : [
            {
              extends: true as const,
              server: { headers: isolationHeaders },
              preview: { headers: isolationHeaders },
              test: {
                name: 'browser',
                include: ['src/**/*.browser.test.ts'],
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: provider as never,
                  instances: [{ browser: 'chromium' as const }],
                  commands: { writeConformanceReport },
                },
              },
            },
          ]),
    ],
  },
});
