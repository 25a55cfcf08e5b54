import { describeConformance } from '@softmax-kit/conformance/vitest';
import { tfjsBackend } from './index.js';

// The full suite (rows up to n = 1,000,000) on both Node devices; reports go to
// reports/conformance/tfjs-cpu.json and tfjs-wasm.json at the repository root.
describeConformance('tfjs-cpu', () => tfjsBackend({ device: 'cpu' }), { reportDir: '1' });
describeConformance('tfjs-wasm', () => tfjsBackend({ device: 'wasm' }), { reportDir: '1' });
