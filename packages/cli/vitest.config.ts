import { defineConfig } from 'vitest/config';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead (the bin
// tests then spawn dist/bin.js). Node tests resolve through `ssr.resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

export default defineConfig({
  // The dist run has its own Vite cache: `pnpm test` runs it beside the source run.
  ...(process.env.SOFTMAX_KIT_DIST ? { cacheDir: 'node_modules/.vite-dist' } : {}),
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The bin tests spawn node processes; the bench and compare smoke tests take several
    // seconds each on 2 shared cores.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
