import type { BenchGoal, BenchResult } from '../bench-report.js';

const median = (results: readonly BenchResult[], subject: string, size: string) => {
  const result = results.find((r) => r.subject === subject && r.size === size);
  return result === undefined || result.skipped !== undefined
    ? undefined
    : result.nsPerElement.median;
};

/**
 * Issue 11's goals, judged on one run (ratio = reference time / subject time):
 * - a top-p 0.9 sample costs at most 2x a softmax of the same row on tsBackend (ratio >= 0.5),
 *   at every one-row size the sampler was measured at;
 * - it beats the naive sort-based sampler by >= 5x at 1x128k.
 *
 * @example
 * ```ts
 * samplingGoals(report.results).filter((g) => g.met === false);
 * ```
 */
export function samplingGoals(results: readonly BenchResult[]): BenchGoal[] {
  const subject = 'sampling:ts:top-p-0.9';
  const goals: BenchGoal[] = [];
  const judge = (spec: Omit<BenchGoal, 'ratio' | 'met'>, meets: (ratio: number) => boolean) => {
    const time = median(results, spec.subject, spec.size);
    const reference = median(results, spec.reference, spec.size);
    const ratio = time === undefined || reference === undefined ? null : reference / time;
    goals.push({ ...spec, ratio, met: ratio === null ? null : meets(ratio) });
  };
  for (const result of results) {
    if (result.subject !== subject || result.skipped !== undefined) continue;
    judge(
      {
        id: `sampling-top-p-within-2x-softmax@${result.size}`,
        subject,
        reference: 'ts',
        size: result.size,
        target: '>= 0.5x (at most 2x a softmax of the row)',
      },
      (ratio) => ratio >= 0.5,
    );
    if (result.size === '1x128k')
      judge(
        {
          id: `sampling-top-p-5x-naive@${result.size}`,
          subject,
          reference: 'peer:naive-sort-sampler',
          size: result.size,
          target: '>= 5x',
        },
        (ratio) => ratio >= 5,
      );
  }
  goals.push(...samplingCostGoals(results));
  return goals;
}

/** Issue 14's ceilings: the sample's time as a fraction of a softmax of the same row. */
const CEILINGS: readonly (readonly [string, number])[] = [
  ['greedy', 0.3],
  ['top-k-50', 0.5],
  ['top-p-0.9', 1.3],
  ['min-p-0.05', 1.3],
];

/** Issue 14's extra outputs: each adds at most this fraction of a softmax to top-p 0.9. */
const EXTRAS: readonly (readonly [string, number])[] = [
  ['raw-logprobs', 0.3],
  ['top-n-5', 0.3],
  ['entropy', 0.3],
];

/**
 * Issue 14's goals, judged on one run (ratio = reference time / subject time, so a ceiling of
 * `c` times a softmax is met at ratio >= 1 / c): on ts and wasm at every one-row size measured,
 * greedy <= 0.3x, top-k 50 <= 0.5x, top-p 0.9 and min-p 0.05 <= 1.3x a softmax of the row; each
 * extra output adds <= 0.3x (ratio: softmax time / added time); top-k 50 faster than
 * transformers.js's at 1x128k and 1x256k; batched top-p with two wasm threads at <= 0.7x one
 * thread.
 *
 * @example
 * ```ts
 * samplingCostGoals(report.results).filter((g) => g.met === false);
 * ```
 */
export function samplingCostGoals(results: readonly BenchResult[]): BenchGoal[] {
  const goals: BenchGoal[] = [];
  const sizes = [
    ...new Set(results.filter((r) => r.subject.startsWith('sampling:')).map((r) => r.size)),
  ];
  const push = (
    spec: Omit<BenchGoal, 'ratio' | 'met'>,
    ratio: number | null,
    meets: (ratio: number) => boolean,
  ) => goals.push({ ...spec, ratio, met: ratio === null ? null : meets(ratio) });
  for (const backend of ['ts', 'wasm'])
    for (const size of sizes) {
      const softmax = median(results, backend, size);
      const time = (label: string) => median(results, `sampling:${backend}:${label}`, size);
      for (const [label, ceiling] of CEILINGS) {
        const sample = time(label);
        push(
          {
            id: `sampling-${label}-within-${ceiling}x-softmax@${backend}@${size}`,
            subject: `sampling:${backend}:${label}`,
            reference: backend,
            size,
            target: `<= ${ceiling}x a softmax of the row (ratio >= ${(1 / ceiling).toFixed(2)})`,
          },
          softmax === undefined || sample === undefined ? null : softmax / sample,
          (ratio) => ratio >= 1 / ceiling,
        );
      }
      const topP = time('top-p-0.9');
      for (const [extra, ceiling] of EXTRAS) {
        const withExtra = time(`top-p-0.9+${extra}`);
        const added =
          softmax === undefined || topP === undefined || withExtra === undefined
            ? null
            : Math.max(withExtra - topP, Number.MIN_VALUE);
        push(
          {
            id: `sampling-${extra}-adds-${ceiling}x@${backend}@${size}`,
            subject: `sampling:${backend}:top-p-0.9+${extra}`,
            reference: backend,
            size,
            target: `adds <= ${ceiling}x a softmax to top-p (softmax / added >= ${(1 / ceiling).toFixed(2)})`,
          },
          added === null || softmax === undefined ? null : softmax / added,
          (ratio) => ratio >= 1 / ceiling,
        );
      }
    }
  for (const size of ['1x128k', '1x256k']) {
    const ours = median(results, 'sampling:wasm:top-k-50', size);
    const theirs = median(results, 'peer:transformers.js-top-k-50', size);
    push(
      {
        id: `sampling-top-k-50-beats-transformers.js@${size}`,
        subject: 'sampling:wasm:top-k-50',
        reference: 'peer:transformers.js-top-k-50',
        size,
        target: '> 1x',
      },
      ours === undefined || theirs === undefined ? null : theirs / ours,
      (ratio) => ratio > 1,
    );
  }
  const one = median(results, 'sampling-batch:wasm:top-p-0.9', '64x128k');
  const two = median(results, 'sampling-batch:wasm-threads:top-p-0.9', '64x128k');
  push(
    {
      id: 'sampling-batch-threads-0.7x@64x128k',
      subject: 'sampling-batch:wasm-threads:top-p-0.9',
      reference: 'sampling-batch:wasm:top-p-0.9',
      size: '64x128k',
      target: '<= 0.7x one thread (ratio >= 1.43)',
    },
    one === undefined || two === undefined ? null : one / two,
    (ratio) => ratio >= 1 / 0.7,
  );
  return goals;
}
