import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions, hasChromium } from '../../tools/chromium.js';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

// The browser project proves the root entry and the vitest adapter run in a real Chromium;
// without it the project is left out, and says so.
const withChromium = hasChromium('conformance', 'the browser tests');

export default defineConfig({
  // The dist run has its own Vite cache: `pnpm test` runs it beside the source run.
  ...(process.env.SOFTMAX_KIT_DIST ? { cacheDir: 'node_modules/.vite-dist' } : {}),
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.browser.test.ts'],
          setupFiles: ['test/share-across-runs.ts'],
        },
      },
      ...(withChromium
        ? [
            {
              extends: true as const,
              test: {
                name: 'browser',
                include: ['test/**/*.browser.test.ts'],
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: playwright({
                    launchOptions: chromiumLaunchOptions,
                  }),
                  instances: [{ browser: 'chromium' as const }],
                },
              },
            },
          ]
        : []),
    ],
  },
});
