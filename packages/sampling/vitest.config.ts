import { defineConfig } from 'vitest/config';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The conformance suite's heap check needs global.gc.
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
  },
});
