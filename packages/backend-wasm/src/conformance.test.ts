import { describeConformance } from '@softmax-kit/conformance/vitest';
import { wasmBackend } from './index.js';

// SPEC's whole conformance suite against wasmBackend, accuracy up to n = 10^6.
describeConformance('wasm', () => wasmBackend(), { sizes: [1, 10, 1000, 32_768, 1_000_000] });
