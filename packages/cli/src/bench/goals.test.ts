import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../bench-report.js';
import { evaluateGoals } from './goals.js';

function result(
  subject: string,
  size: string,
  rows: number,
  cols: number,
  median: number,
): BenchResult {
  return {
    subject,
    kind: subject.startsWith('peer:') ? 'peer' : 'backend',
    size,
    rows,
    cols,
    dtype: 'float32',
    nsPerElement: { median, p10: median, p90: median },
    usPerCall: (median * rows * cols) / 1000,
    samples: 5,
    ratioToFastest: 1,
    ratioToCopy: 1,
  };
}

describe('evaluateGoals', () => {
  it('judges ts against 3x naive at sizes of at least 1k elements only', () => {
    const goals = evaluateGoals([
      result('ts', '1x10', 1, 10, 5),
      result('peer:naive-js', '1x10', 1, 10, 10),
      result('ts', '32x1k', 32, 1024, 4),
      result('peer:naive-js', '32x1k', 32, 1024, 12),
      result('ts', '1x1k', 1, 1024, 5),
      result('peer:naive-js', '1x1k', 1, 1024, 14),
    ]);
    const naive = goals.filter((g) => g.id.startsWith('ts-3x-naive'));
    expect(naive.map((g) => [g.size, g.ratio, g.met])).toEqual([
      ['32x1k', 3, true],
      ['1x1k', 2.8, false],
    ]);
  });

  it('marks a goal whose reference was not measured as not measured', () => {
    const goals = evaluateGoals([result('ts', '1x10', 1, 10, 5)]);
    expect(goals.find((g) => g.id === 'ts-faster-than-tfjs-wasm@1x10')).toMatchObject({
      ratio: null,
      met: null,
    });
  });

  it('allows backend-tfjs at most 10% (cpu) and 25% (wasm) slower than raw tf.softmax at 32x32k', () => {
    const goals = evaluateGoals([
      result('tfjs-wasm', '32x32k', 32, 32768, 2.48),
      result('peer:tfjs-wasm', '32x32k', 32, 32768, 2),
      result('tfjs-cpu', '32x32k', 32, 32768, 2.3),
      result('peer:tfjs-cpu', '32x32k', 32, 32768, 2),
    ]);
    expect(goals.find((g) => g.subject === 'tfjs-wasm')).toMatchObject({
      id: 'tfjs-wasm-within-25pct-of-raw@32x32k',
      met: true,
    });
    expect(goals.find((g) => g.subject === 'tfjs-cpu')).toMatchObject({
      id: 'tfjs-cpu-within-10pct-of-raw@32x32k',
      met: false,
    });
  });

  it('judges the wasm backend against ts, the naive softmax and its own per-call cost', () => {
    const goals = evaluateGoals([
      result('ts', '32x1k', 32, 1024, 4),
      result('wasm', '32x1k', 32, 1024, 1.9),
      result('wasm-zero-copy', '32x1k', 32, 1024, 1.7),
      result('peer:naive-js', '32x1k', 32, 1024, 12),
      result('ts', '1x1M', 1, 1048576, 4.5),
      result('wasm', '1x1M', 1, 1048576, 3),
      result('wasm', '1x10', 1, 10, 35),
    ]);
    const byId = (id: string) => goals.find((g) => g.id === id);
    // 4 / 1.9 = 2.1x >= 2 (at most half ts's time); 4.5 / 3 = 1.5x >= 1/0.7
    expect(byId('wasm-vs-ts@32x1k')).toMatchObject({ met: true });
    expect(byId('wasm-vs-ts@1x1M')).toMatchObject({ met: true });
    // 4 / 1.7 = 2.35x < 2.5 (0.4x ts's time)
    expect(byId('wasm-zero-copy-vs-ts@32x1k')).toMatchObject({ met: false });
    // 12 / 1.9 = 6.3x: short of 8x
    expect(byId('wasm-vs-naive-js@32x1k')).toMatchObject({ met: false });
    // 35 ns x 10 = 0.35 us per call > 0.3 us
    expect(byId('wasm-call-cost@1x10')?.ratio).toBeCloseTo(0.3 / 0.35, 12);
    expect(byId('wasm-call-cost@1x10')?.met).toBe(false);
    expect(byId('wasm-threads-vs-onnxruntime-node@1x1M')).toMatchObject({ met: null });
  });
});

describe('issue 14 sampling goals', () => {
  it('judges each ceiling against the softmax of the same backend and size, and the extras by the time they add', () => {
    const size = '1x128k';
    const r = (subject: string, median: number) => result(subject, size, 1, 131072, median);
    const goals = evaluateGoals([
      r('ts', 4),
      r('sampling:ts:greedy', 1), // 0.25x: met
      r('sampling:ts:top-k-50', 2.4), // 0.6x: missed
      r('sampling:ts:top-p-0.9', 5), // 1.25x: met
      r('sampling:ts:top-p-0.9+raw-logprobs', 6.6), // adds 1.6 = 0.4x: missed
      r('sampling:ts:top-p-0.9+entropy', 5.8), // adds 0.8 = 0.2x: met
      r('sampling:wasm:top-k-50', 1),
      r('peer:transformers.js-top-k-50', 2),
    ]);
    const byId = new Map(goals.map((g) => [g.id, g]));
    expect(byId.get('sampling-greedy-within-0.3x-softmax@ts@1x128k')).toMatchObject({
      ratio: 4,
      met: true,
    });
    expect(byId.get('sampling-top-k-50-within-0.5x-softmax@ts@1x128k')?.met).toBe(false);
    expect(byId.get('sampling-top-p-0.9-within-1.3x-softmax@ts@1x128k')?.met).toBe(true);
    // min-p was not measured: no verdict, never a pass.
    expect(byId.get('sampling-min-p-0.05-within-1.3x-softmax@ts@1x128k')?.met).toBeNull();
    expect(byId.get('sampling-raw-logprobs-adds-0.3x@ts@1x128k')?.ratio).toBeCloseTo(2.5, 12);
    expect(byId.get('sampling-raw-logprobs-adds-0.3x@ts@1x128k')?.met).toBe(false);
    expect(byId.get('sampling-entropy-adds-0.3x@ts@1x128k')?.met).toBe(true);
    expect(byId.get('sampling-top-k-50-beats-transformers.js@1x128k')).toMatchObject({
      ratio: 2,
      met: true,
    });
    expect(byId.get('sampling-batch-threads-0.7x@64x128k')?.met).toBeNull();
  });
});
