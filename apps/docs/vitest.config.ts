import { defineConfig } from 'vitest/config';

// Unit tests of the site's pure helpers (scales, temperature control, matrix and decision table
// building, report loading). The browser e2e test is test/e2e.test.mjs (node:test + Playwright).
// Workspace packages resolve to their source (as in the packages' own tests), so a helper that
// imports @softmax-kit/cli/verdict is tested against the code next to it, not a stale dist.
const conditions = process.env.SOFTMAX_KIT_DIST ? [] : ['@softmax-kit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { include: ['.vitepress/lib/**/*.test.ts'] },
});
