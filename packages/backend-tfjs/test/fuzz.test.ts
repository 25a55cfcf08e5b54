import { createSoftmax, type Softmax, SoftmaxError } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  FLOAT32,
  FUZZ_CATEGORIES,
  type FuzzSoftmax,
  runCategory,
} from '../../../tools/fuzz/adversarial.js';
import { tfjsBackend } from '../src/index.js';

// Issue 8's adversarial fuzz through the public API on tfjs-cpu and tfjs-wasm in Node: 10,000
// inputs per device (the categories and their runs: tools/fuzz/adversarial.ts), each category
// with a fixed seed, printed on failure. The tensor count must not grow over any input.
describe.each(['cpu', 'wasm'] as const)(
  'adversarial fuzz of the public API on tfjs-%s',
  (device) => {
    const backend = tfjsBackend({ device });
    let sm: Softmax;
    beforeAll(async () => {
      sm = await createSoftmax(backend);
    });
    afterAll(async () => {
      await sm.dispose();
    });

    it.each(FUZZ_CATEGORIES.map((category) => [category.name, category] as const))(
      '%s: a correct result or a SoftmaxError, input unchanged, no tensor left behind',
      async (_name, category) => {
        await runCategory(category, {
          sm: sm as unknown as FuzzSoftmax,
          isSoftmaxError: (error) => SoftmaxError.isInstance(error),
          resourceCount: () => backend.doResourceCount?.() ?? 0,
          // computePrecision: float32 for both dtypes (probed at init; float64 rows are narrowed).
          precision: { float32: FLOAT32, float64: FLOAT32 },
          sync: false,
        });
      },
    );
  },
);
