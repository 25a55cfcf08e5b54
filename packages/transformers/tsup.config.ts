import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bigram-model.ts'],
  format: ['esm'],
  // Declarations and their maps come from `tsc -p tsconfig.build.json` (tsup's dts has no maps).
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The optional peer stays an import the user's runtime resolves (never bundled).
  external: ['@huggingface/transformers'],
});
