import { defineConfig } from 'vitest/config';

// Unit tests of the site's pure helpers (scales, temperature control, matrix and decision table
// building, report loading). The browser e2e test is test/e2e.test.mjs (node:test + Playwright).
export default defineConfig({
  test: { include: ['.vitepress/lib/**/*.test.ts'] },
});
