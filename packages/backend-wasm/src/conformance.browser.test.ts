import { describeConformance } from '@softmax-kit/conformance/vitest';
import { wasmBackend } from './index.js';

// The whole suite in headless Chromium (Debian's), accuracy up to n = 10^6.
describeConformance('wasm-browser', () => wasmBackend(), {
  sizes: [1, 10, 1000, 32_768, 1_000_000],
});
