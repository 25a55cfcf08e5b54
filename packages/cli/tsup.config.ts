import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts', 'src/bench-report.ts'],
  format: ['esm'],
  // Declarations and their maps come from `tsc -p tsconfig.build.json` (tsup's dts has no maps).
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The peers the bench compares with stay imports, loaded only by `bench --peers`.
  external: [/^@tensorflow\//, 'onnxruntime-node', '@huggingface/transformers'],
});
