import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions, hasChromium } from '../../tools/chromium';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

// generate() on the bigram model in Debian's Chromium (src/**/*.browser.test.ts); without
// Chromium that project is left out and says so.
const provider = hasChromium('transformers', 'the Chromium generate() tests')
  ? playwright({ launchOptions: chromiumLaunchOptions })
  : undefined;

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
          include: ['src/**/*.test.ts'],
          exclude: ['src/**/*.browser.test.ts'],
        },
      },
      ...(provider === undefined
        ? []
        : [
            {
              extends: true as const,
              // Listed up front so Vite never re-optimises (and reloads the page) mid-run.
              optimizeDeps: { include: ['@huggingface/transformers'] },
              test: {
                name: 'browser',
                // CI's fast profile checks the kept sets over 2,000 draws in Chromium (Node always
                // runs 10,000); SOFTMAX_KIT_FULL=1 runs 10,000 here too.
                provide: { longSteps: process.env.SOFTMAX_KIT_FULL ? 10_000 : 2_000 },
                include: ['src/**/*.browser.test.ts'],
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider,
                  instances: [{ browser: 'chromium' as const }],
                },
              },
            },
          ]),
    ],
  },
});
