/**
 * The decoding part of `softmax-kit bench --sampling` (SPEC v1.1): DRY over history windows of
 * 64, 1k and 16k tokens (one row of 32k logits), `score` of 512 positions x 32k and `beamStep`
 * of 8 beams x 128k, each on tsBackend next to a softmax of the same rows in the same process,
 * so the ratio says what the method costs beyond the softmax.
 */
import { createSoftmax, type Dtype, type SyncSoftmax } from '@softmax-kit/core';
import { createDecoder, createSampler, type SyncSampler } from '@softmax-kit/sampling';
import { loadBackendSource } from '../load-backend.js';
import { type MeasureSettings, measureCall, quantile } from './measure.js';

/** One decoding measurement: the method and the softmax of the same rows, medians per call. */
export interface DecodingResult {
  readonly id: string;
  readonly rows: number;
  readonly cols: number;
  /** Median time per call of the method, ms. */
  readonly medianMs: number;
  /** Median time per call of softmaxSync on the same rows, ms. */
  readonly softmaxMedianMs: number;
  /** medianMs / softmaxMedianMs. */
  readonly ratioToSoftmax: number;
}

/** Deterministic logits in [-8, 8). */
function logits(length: number, dtype: Dtype, seed: number): Float32Array | Float64Array {
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 4294967296) * 16 - 8;
  }
  return data;
}

/**
 * A history of `length` ids that repeats itself (a period-97 pattern over 500 ids, with noise):
 * long matches for DRY, the quadratic algorithms' worst case.
 */
function repetitiveHistory(length: number): Int32Array {
  const history = new Int32Array(length);
  for (let i = 0; i < length; i++) history[i] = i % 13 === 0 ? (i * 31) % 500 : (i % 97) * 5;
  return history;
}

/** The decoding cases: id, rows, cols, and the call to measure. */
function cases(sm: SyncSoftmax, dtype: Dtype) {
  const sampler = createSampler(sm) as SyncSampler;
  const decoder = createDecoder(sm);
  const n32k = 32 * 1024;
  const dry = (window: number) => {
    const row = logits(n32k, dtype, 11);
    const history = repetitiveHistory(window);
    let step = 0;
    return {
      id: `dry-window-${window >= 1024 ? `${window / 1024}k` : window}`,
      rows: 1,
      cols: n32k,
      input: row,
      call: () =>
        void sampler.sampleSync(row, {
          history,
          penaltyWindow: window,
          dryMultiplier: 0.8,
          dryBase: 1.75,
          dryAllowedLength: 2,
          dryBreakers: [0],
          seed: 1,
          step: step++,
        }),
    };
  };
  const scoreRows = logits(512 * n32k, dtype, 12);
  const targets = Int32Array.from({ length: 512 }, (_, i) => (i * 7919) % n32k);
  const beamRows = logits(8 * 128 * 1024, dtype, 13);
  return [
    dry(64),
    dry(1024),
    dry(16 * 1024),
    {
      id: 'score-512x32k',
      rows: 512,
      cols: n32k,
      input: scoreRows,
      call: () => void decoder.scoreSync(scoreRows, { shape: [512, n32k], targets }),
    },
    {
      id: 'beam-step-8x128k',
      rows: 8,
      cols: 128 * 1024,
      input: beamRows,
      call: () =>
        void decoder.beamStepSync(beamRows, {
          shape: [8, 128 * 1024],
          scores: [-1, -1.5, -2, -2.5, -3, -3.5, -4, -4.5],
        }),
    },
  ];
}

/**
 * Measures the decoding cases on tsBackend (medians of tinybench samples, the method and a
 * softmax of the same rows alternately in this process).
 *
 * @example
 * ```ts
 * const results = await runDecodingBench(QUICK_SETTINGS, 'float32');
 * ```
 */
export async function runDecodingBench(
  settings: MeasureSettings,
  dtype: Dtype,
): Promise<DecodingResult[]> {
  const source = await loadBackendSource('ts');
  if ('unavailable' in source) throw new Error(source.unavailable);
  const sm = (await createSoftmax(source.backend)) as SyncSoftmax;
  try {
    const results: DecodingResult[] = [];
    for (const item of cases(sm, dtype)) {
      const out =
        dtype === 'float32'
          ? new Float32Array(item.input.length)
          : new Float64Array(item.input.length);
      const softmax = () => void sm.softmaxSync(item.input, { shape: [item.rows, item.cols], out });
      const method = await measureCall({ sync: item.call }, settings);
      const baseline = await measureCall({ sync: softmax }, settings);
      const medianMs = quantile(method, 0.5) / 1e6;
      const softmaxMedianMs = quantile(baseline, 0.5) / 1e6;
      results.push({
        id: item.id,
        rows: item.rows,
        cols: item.cols,
        medianMs,
        softmaxMedianMs,
        ratioToSoftmax: medianMs / softmaxMedianMs,
      });
    }
    return results;
  } finally {
    await sm.dispose();
  }
}
