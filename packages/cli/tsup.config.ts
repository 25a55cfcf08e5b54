import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    bin: 'src/bin.ts',
    'bench-report': 'src/bench-report.ts',
    verdict: 'src/verdict/index.ts',
  },
  format: ['esm'],
  // Declarations and their maps come from `tsc -p tsconfig.build.json` (tsup's dts has no maps).
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // The peers the bench compares with stay imports, loaded only by `bench --peers`.
  external: [/^@tensorflow\//, 'onnxruntime-node', '@huggingface/transformers'],
});
