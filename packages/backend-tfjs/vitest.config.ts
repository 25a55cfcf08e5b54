import { defineConfig } from 'vitest/config';

const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts'],
    exclude: ['src/**/*.browser.test.ts'],
    testTimeout: 120_000,
  },
});
