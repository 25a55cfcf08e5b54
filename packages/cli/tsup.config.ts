import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts', 'src/bench-report.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/bench-report.ts'] },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The peers the bench compares with stay imports, loaded only by `bench --peers`.
  external: [/^@tensorflow\//, 'onnxruntime-node', '@huggingface/transformers'],
});
