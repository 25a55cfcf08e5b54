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

// The relaxed-SIMD kernel (src/kernels/softmax.wat's @relaxed lines) runs where the runtime
// validates relaxed SIMD: Chromium 114+ and Node 22+ do; Node 20 does with a V8 flag. The
// `node-relaxed` project sweeps that kernel's exp and accuracy on this CPU, with the flag where
// this Node needs it, so both kernels are checked in every CI run (and in Chromium below).
const relaxedProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0,
  32, 0, 32, 1, 32, 2, 253, 133, 2, 11,
]); // (func (param v128 v128 v128) (result v128) f32x4.relaxed_madd)
const relaxedFlag = WebAssembly.validate(relaxedProbe) ? [] : ['--experimental-wasm-relaxed-simd'];

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
      {
        extends: true,
        test: {
          name: 'node-relaxed',
          include: ['src/exp.test.ts', 'src/accuracy.test.ts'],
          execArgv: ['--expose-gc', ...relaxedFlag],
          env: { KERNEL_VARIANT: 'relaxed' },
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
