import { describeConformance } from '@softmax-kit/conformance/vitest';
import { wasmBackend } from './index.js';

// SPEC's whole conformance suite against wasmBackend, accuracy up to n = 10^6; with two threads
// too (calls of 256k entries and more go to the worker threads).
const sizes = [1, 10, 1000, 32_768, 1_000_000];
describeConformance('wasm', () => wasmBackend(), { sizes });
describeConformance('wasm-threads', () => wasmBackend({ threads: 2 }), { sizes });
