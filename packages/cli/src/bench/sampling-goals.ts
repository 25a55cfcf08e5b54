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
  return goals;
}
