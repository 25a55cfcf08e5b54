import { defineConfig } from 'vitest/config';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead. Vite applies
// `resolve.conditions` to the browser environment only; Node tests need `ssr.resolve.conditions`.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['src/**/*.test.ts'], testTimeout: 120_000 },
});
