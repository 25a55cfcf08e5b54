import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { describeFuzz } from '../../../tools/fuzz/describe-fuzz.js';
import { wasmBackend } from './index.js';

// Issue 8's adversarial fuzz (tools/fuzz/) on the WebAssembly backend, whose kernel scans its
// own rows; float64 input is computed in float32 (its declared precision).
const backend = wasmBackend();
describeFuzz({
  title: 'wasmBackend',
  backend,
  open: () => createSoftmax(backend),
  isSoftmaxError: (error) => SoftmaxError.isInstance(error),
  float64Compute: 'float32',
  sync: true,
});
