import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { describeFuzz } from '../../../tools/fuzz/describe-fuzz.js';
import { tfjsBackend } from '../src/index.js';

// Issue 8's adversarial fuzz (tools/fuzz/) on tfjs-cpu and tfjs-wasm in Node, 10,000 inputs per
// device; the tensor count must not grow. computePrecision is float32 for both dtypes (float64
// rows are narrowed by core).
for (const device of ['cpu', 'wasm'] as const) {
  const backend = tfjsBackend({ device });
  describeFuzz({
    title: `tfjs-${device}`,
    backend,
    open: () => createSoftmax(backend),
    isSoftmaxError: (error) => SoftmaxError.isInstance(error),
    float64Compute: 'float32',
    sync: false,
  });
}
