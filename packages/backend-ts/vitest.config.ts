import { defineConfig } from 'vitest/config';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const dist = Boolean(process.env.SOFTMAX_KIT_DIST);
const conditions = dist ? [] : ['@softmax-kit/source'];

// Against dist (SOFTMAX_KIT_DIST=1, `pnpm test:dist`), the kernel files' own tests are left out:
// they and everything they import (this package's src, test-support/reference.ts) use
// `@softmax-kit/*` for types only, so the dist run would load the very same code again. Every
// other test file (each loads core, core/internal or conformance/vitest at run time) runs, and
// so does any new one unless it is added here for the same reason.
const SOURCE_ONLY_TESTS = [
  'src/fast-exp.test.ts',
  'src/log-accuracy.test.ts',
  'src/log-softmax-rows.test.ts',
  'src/log-sum-exp-rows.test.ts',
  'src/row-exp-sums.test.ts',
  'src/scan-row.test.ts',
  'src/softmax-rows.test.ts',
];

export default defineConfig({
  // The dist run has its own Vite cache: `pnpm test` runs it beside the source run.
  ...(dist ? { cacheDir: 'node_modules/.vite-dist' } : {}),
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    ...(dist ? { exclude: ['**/node_modules/**', ...SOURCE_ONLY_TESTS] } : {}),
    // The conformance suite's heap check needs global.gc.
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
  },
});
