import { createSoftmax, SoftmaxError, type SyncSoftmax } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLOAT32,
  FLOAT64,
  FUZZ_CATEGORIES,
  FuzzFailure,
  type FuzzSoftmax,
  runCategory,
} from '../../../tools/fuzz/adversarial.js';
import { tsBackend } from './ts-backend.js';

const subjectOf = (sm: SyncSoftmax, backend: { doResourceCount?: () => number }) => ({
  sm: sm as unknown as FuzzSoftmax,
  isSoftmaxError: (error: unknown) => SoftmaxError.isInstance(error),
  resourceCount: () => backend.doResourceCount?.() ?? 0,
  // computePrecision: float32 rows in float32, float64 rows in float64.
  precision: { float32: FLOAT32, float64: FLOAT64 },
  sync: true,
});

// Issue 8's adversarial fuzz through the public API, 10,000 inputs in all (the categories and
// their runs: tools/fuzz/adversarial.ts). Each category has a fixed seed, printed on failure.
describe('adversarial fuzz of the public API on tsBackend', () => {
  const backend = tsBackend();
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
      await runCategory(category, subjectOf(sm, backend));
    },
  );
});

describe('the adversarial fuzz catches broken backends', () => {
  const category = FUZZ_CATEGORIES.find((c) => c.name === 'data/float64-subarray');
  if (category === undefined) throw new Error('category data/float64-subarray is gone');

  it.each([
    [
      'one entry off by 1e-9 relative',
      /entry \d+: got/,
      (output: Float64Array) => {
        output[0] = (output[0] as number) * (1 + 1e-9);
      },
    ],
    [
      'a write just past the output view',
      /outside the out view/,
      (output: Float64Array) => {
        // Where the buffer has room (a caller's `out` view inside a larger buffer).
        const end = output.byteOffset + output.byteLength;
        if (output.buffer.byteLength >= end + 8) new Float64Array(output.buffer, end, 1)[0] = 0;
      },
    ],
  ] as const)('fails a kernel with %s', async (_what, reason, spoil) => {
    const backend = tsBackend();
    const compute = backend.doComputeSync.bind(backend);
    const spoilt = {
      ...backend,
      doComputeSync(request: Parameters<typeof compute>[0]) {
        compute(request);
        if (request.output instanceof Float64Array && request.output.length > 0) {
          spoil(request.output);
        }
      },
      async doCompute(request: Parameters<typeof compute>[0]) {
        this.doComputeSync(request);
      },
    };
    const sm = (await createSoftmax(spoilt)) as SyncSoftmax;
    try {
      const outcome = await runCategory(category, subjectOf(sm, backend)).then(
        () => undefined,
        (error: unknown) => error,
      );
      // fast-check's report carries the FuzzFailure of the first failing input as its cause.
      const cause = (outcome as { cause?: unknown } | undefined)?.cause;
      expect(cause).toBeInstanceOf(FuzzFailure);
      expect((cause as Error).message).toMatch(reason);
    } finally {
      await sm.dispose();
    }
  });
});
