import { createSoftmax, SoftmaxError, type SyncSoftmax } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  FLOAT32,
  FUZZ_CATEGORIES,
  type FuzzSoftmax,
  runCategory,
} from '../../../tools/fuzz/adversarial.js';
import { wasmBackend } from './index.js';

// Issue 8's adversarial fuzz through the public API (tools/fuzz/adversarial.ts, 10,000 inputs
// with a fixed seed per category) on the WebAssembly backend, whose kernel scans its own rows:
// every hostile input gives a correct result or a SoftmaxError, the input is unchanged, and the
// live zero-copy arrays (doResourceCount) do not grow.
describe('adversarial fuzz of the public API on wasmBackend', () => {
  const backend = wasmBackend();
  let sm: SyncSoftmax;
  beforeAll(async () => {
    sm = (await createSoftmax(backend)) as SyncSoftmax;
  });
  afterAll(async () => {
    await sm.dispose();
  });

  it.each(FUZZ_CATEGORIES.map((category) => [category.name, category] as const))(
    '%s: a correct result or a SoftmaxError, input unchanged, nothing left behind',
    async (_name, category) => {
      await runCategory(category, {
        sm: sm as unknown as FuzzSoftmax,
        isSoftmaxError: (error: unknown) => SoftmaxError.isInstance(error),
        resourceCount: () => backend.doResourceCount?.() ?? 0,
        // Declared compute precision: float32 for both dtypes (float64 rows are narrowed by core).
        precision: { float32: FLOAT32, float64: FLOAT32 },
        sync: true,
      });
    },
  );
});
