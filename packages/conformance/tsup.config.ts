import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const versionOf = (path: string): string =>
  (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string }).version;

// Versions are baked in at build time so the root entry needs no `node:` import and works in a
// browser bundle; `runConformance(..., { versions })` and the Node helpers add installed ones.
export default defineConfig({
  entry: [
    'src/index.ts',
    'src/vitest.ts',
    'src/node.ts',
    'src/backends.ts',
    'src/time-limits.ts',
    'src/sampling-reference.ts',
    'src/bin.ts',
    'src/child.ts',
  ],
  format: ['esm'],
  // Declarations and their maps come from `tsc -p tsconfig.build.json` (tsup's dts has no maps).
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  define: {
    __SOFTMAX_KIT_BUILD_VERSIONS__: JSON.stringify({
      '@softmax-kit/conformance': versionOf('./package.json'),
      '@softmax-kit/core (built against)': versionOf('../core/package.json'),
    }),
  },
});
