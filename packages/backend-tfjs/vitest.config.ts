import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import {
  chromiumLaunchOptions,
  hasChromium,
  isolationHeaders,
  writeConformanceReport,
} from '../../tools/chromium.js';

// Tests run from source through the `@softmax-kit/source` export condition; SOFTMAX_KIT_DIST=1
// runs them against `dist`. Vite applies `resolve.conditions` to the browser environment and
// `ssr.resolve.conditions` to Node tests, so both are set.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

// Browser tests (webgl, webgpu, wasm with threads) run in Debian's Chromium; without it the
// browser project is left out, and says so.
const withChromium = hasChromium(
  'backend-tfjs',
  'the browser tests (webgl, webgpu, wasm with threads)',
  'chromium libvulkan1',
);

// WebGPU in Node through Dawn (the `webgpu` package) needs SwiftShader's Vulkan driver, which
// Debian's Chromium package installs; without it that project is left out too.
const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';
const hasDawnDriver =
  existsSync(swiftShaderIcd) &&
  ['x86_64-linux-gnu', 'aarch64-linux-gnu'].some((triple) =>
    existsSync(`/usr/lib/${triple}/libvulkan.so.1`),
  );
if (!hasDawnDriver) {
  console.warn(
    '[backend-tfjs] SwiftShader Vulkan driver or libvulkan1 not found: WebGPU-in-Node (Dawn) tests are SKIPPED. ' +
      'Enable them with `apt-get install -y chromium libvulkan1`.',
  );
}

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
          exclude: ['src/**/*.browser.test.ts', 'src/**/*.dawn.test.ts'],
        },
      },
      ...(hasDawnDriver
        ? [
            {
              extends: true as const,
              test: {
                name: 'node-webgpu',
                include: ['src/**/*.dawn.test.ts'],
                setupFiles: ['src/test-support/dawn-setup.ts'],
                env: { VK_ICD_FILENAMES: swiftShaderIcd },
              },
            },
          ]
        : []),
      ...(withChromium
        ? [
            {
              extends: true as const,
              server: { headers: isolationHeaders },
              // Listed up front so Vite never re-optimises (and reloads the page) mid-run.
              optimizeDeps: {
                include: [
                  '@tensorflow/tfjs-core',
                  '@tensorflow/tfjs-backend-cpu',
                  '@tensorflow/tfjs-backend-wasm',
                  '@tensorflow/tfjs-backend-webgl',
                  '@tensorflow/tfjs-backend-webgpu',
                ],
              },
              preview: { headers: isolationHeaders },
              test: {
                name: 'browser',
                include: ['src/**/*.browser.test.ts'],
                browser: {
                  enabled: true,
                  headless: true,
                  screenshotFailures: false,
                  provider: playwright({
                    launchOptions: chromiumLaunchOptions,
                  }),
                  instances: [{ browser: 'chromium' as const }],
                  commands: { writeConformanceReport },
                },
              },
            },
          ]
        : []),
    ],
  },
});
