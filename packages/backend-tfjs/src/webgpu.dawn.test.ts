import { describeConformance } from '@softmax-kit/conformance/vitest';
import { tfjsBackend } from './index.js';

// WebGPU in Node through Dawn on SwiftShader (see test-support/dawn-setup.ts). Rows up to
// n = 100,000 keep this software-rendered run short; n = 1,000,000 on WebGPU runs in the
// browser project. Report: reports/conformance/tfjs-webgpu.json.
describeConformance('tfjs-webgpu', () => tfjsBackend({ device: 'webgpu' }), {
  reportDir: '1',
  sizes: [1, 2, 3, 10, 100, 1000, 10_000, 100_000],
});
