import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { describeSamplingFuzz } from '../../../tools/fuzz/sampling.js';
import { createSampler, uniformAt } from '../../sampling/src/index.js';
import { tsBackend } from './ts-backend.js';

// Issue 14: the sampler against the float64 reference (same u, n up to 262,144) and 10,000
// hostile inputs, on tsBackend (tools/fuzz/sampling.ts). The sampler is loaded by path: a
// dependency of this package on @softmax-kit/sampling is not needed for anything else.
describeSamplingFuzz({
  title: 'tsBackend',
  open: () => createSoftmax(tsBackend()),
  createSampler: createSampler as never,
  uniformAt,
  isSoftmaxError: (error) => SoftmaxError.isInstance(error),
  computePrecision: { float32: 'float32', float64: 'float64' },
});
