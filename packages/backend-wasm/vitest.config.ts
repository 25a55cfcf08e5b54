import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import {
  chromiumLaunchOptions,
  hasChromium,
  isolationHeaders,
  writeConformanceReport,
} from '../../tools/chromium.js';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

// The conformance suite in Debian's Chromium (src/**/*.browser.test.ts); without Chromium that
// project is left out and says so.
const provider = hasChromium('backend-wasm', 'the Chromium conformance run')
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
                  provider,
                  instances: [{ browser: 'chromium' as const }],
                  commands: { writeConformanceReport },
                },
              },
            },
          ]),
    ],
  },
});
