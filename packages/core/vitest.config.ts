import { defineConfig } from 'vitest/config';

// Tests run from source through the `@softmax-kit/source` export condition; set
// SOFTMAX_KIT_DIST=1 to run the same tests against the built `dist` output instead.
// Node tests resolve through `ssr.resolve`, browser tests through `resolve`: set both.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // fast-check properties run hundreds of cases: generous on a loaded 2-core machine.
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000 },
});
