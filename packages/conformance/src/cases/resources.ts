/**
 * The resources group: many calls (successes, special rows, failures) leave no tensors,
 * buffers or heap behind.
 */
import type { Operation, SoftmaxOptions } from '@softmax-kit/core';
import { type CaseContext, type ConformanceCase, SkipCase } from '../case.js';
import { call } from '../helpers/calls.js';
import { trackedCase } from '../helpers/tracked-case.js';

const NEG = Number.NEGATIVE_INFINITY;

/** The call mix of the resources cases: successes, special rows and failing calls. */
function callMix(): [Operation, unknown, SoftmaxOptions][] {
  const f32 = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i) * 5);
  const f64 = Float64Array.from({ length: 128 }, (_, i) => Math.cos(i) * 5);
  return [
    ['softmax', f32, { shape: [2, 64] }],
    ['logSoftmax', f64, { shape: [4, 32], temperature: 0.5 }],
    ['logSumExp', f32, { shape: [8, 16] }],
    ['softmax', f64, { shape: [2, 64], axis: 0 }],
    ['softmax', [1, Number.NaN, 3], {}], // NAN_INPUT
    ['softmax', f32, { temperature: -1 }], // INVALID_TEMPERATURE
    ['logSoftmax', Float64Array.from([NEG, NEG, 1, 2]), { shape: [2, 2] }], // ALL_MASKED
    [
      'softmax',
      Float64Array.from([NEG, NEG, 1, Number.POSITIVE_INFINITY]),
      { shape: [2, 2], allMasked: 'zeros' },
    ],
    ['softmax', f32, { shape: [3, 3] }], // SHAPE_MISMATCH
    ['softmax', f64, { temperature: 0 }],
  ];
}

async function runMix(context: CaseContext, calls: number): Promise<number> {
  const mix = callMix();
  let failed = 0;
  for (let i = 0; i < calls; i++) {
    const [operation, input, options] = mix[i % mix.length] as [Operation, unknown, SoftmaxOptions];
    try {
      await call(context, operation, input, options);
    } catch {
      failed++;
    }
  }
  return failed;
}

const backendCountCase = trackedCase(
  'resources.backend-count',
  'resources',
  "1,000 calls (softmax, logSoftmax, logSumExp, other axes, special rows, and failing calls: NaN, bad temperature, all-masked, bad shape) leave the backend's live resource count (doResourceCount: tensors, GPU buffers) unchanged.",
  'exact: 0 resources more after than before',
  async (context, t) => {
    const count = context.backend.doResourceCount?.bind(context.backend);
    if (typeof count !== 'function')
      throw new SkipCase(
        'the backend does not implement doResourceCount(), so its live resources cannot be counted',
      );
    await runMix(context, 10); // warm-up: lazily created, long-lived resources are not leaks
    const before = count();
    const failed = await runMix(context, 1000);
    const after = count();
    t.require(
      failed >= 400,
      `only ${failed} of 1,000 calls failed; the mix should make half of them fail`,
    );
    t.check(
      Math.max(0, after - before),
      0,
      `live resources ${before} before, ${after} after 1,000 calls`,
    );
  },
);

/** Bytes a call's result takes in the heap case (1024 float64 values). */
const RESULT_BYTES = 1024 * 8;

const heapCase = trackedCase(
  'resources.heap',
  'resources',
  'In Node with --expose-gc, 1,000 softmax calls on 1024 float64 values grow the JS heap by less than half of what keeping every result alive would take.',
  `heap growth after gc <= 1000 * ${RESULT_BYTES} / 2 bytes (4 MB): leaking even half of the results fails`,
  async (context, t) => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const memory = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } })
      .process?.memoryUsage;
    if (typeof gc !== 'function' || typeof memory !== 'function')
      throw new SkipCase('needs Node started with --expose-gc (global.gc) to measure the heap');
    const input = Float64Array.from({ length: 1024 }, (_, i) => Math.sin(i));
    for (let i = 0; i < 20; i++) await call(context, 'softmax', input);
    gc();
    const before = memory().heapUsed;
    for (let i = 0; i < 1000; i++) await call(context, 'softmax', input);
    gc();
    const growth = memory().heapUsed - before;
    t.check(Math.max(0, growth), (1000 * RESULT_BYTES) / 2, `heap grew by ${growth} bytes`);
  },
);

/** The resources group. */
export function resourceCases(): ConformanceCase[] {
  return [backendCountCase, heapCase];
}
