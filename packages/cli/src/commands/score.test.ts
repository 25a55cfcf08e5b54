import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

/** logSoftmax(x)_t in float64, SPEC's accurate form. */
function logSoftmaxAt(row: readonly number[], t: number): number {
  const m = Math.max(...row);
  const k = row.indexOf(m);
  let s = 0;
  for (let j = 0; j < row.length; j++) if (j !== k) s += Math.exp(row[j]! - m);
  return row[t]! - m - Math.log1p(s);
}

describe('softmax-kit score', () => {
  it('prints per-position log-probabilities, their sum, mean NLL and perplexity (--json)', async () => {
    const run = await runCli(['score', '2,1,0.1', '0,3,1', '--targets', '0,2', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as {
      logprobs: number[];
      sum: number;
      meanNll: number;
      perplexity: number;
    };
    const expected = [logSoftmaxAt([2, 1, 0.1], 0), logSoftmaxAt([0, 3, 1], 2)];
    json.logprobs.forEach((v, i) => {
      expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-14);
    });
    const sum = expected[0]! + expected[1]!;
    expect(Math.abs(json.sum - sum)).toBeLessThan(1e-14);
    expect(Math.abs(json.meanNll + sum / 2)).toBeLessThan(1e-14);
    expect(Math.abs(json.perplexity - Math.exp(-sum / 2))).toBeLessThan(1e-13);
  });

  it('prints a table and the perplexity as text, rows from stdin', async () => {
    const run = await runCli(['score', '--targets', '0'], '0,-40\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/-4\.24835\d*e-18/);
    expect(run.stdout).toMatch(/perplexity 1\b/);
  });

  it('a missing --targets, a count that differs from the rows, or a target out of range is a usage error', async () => {
    expect((await runCli(['score', '1,2'])).code).toBe(2);
    expect((await runCli(['score', '1,2', '--targets', '0,1'])).code).toBe(2);
    const out = await runCli(['score', '1,2', '--targets', '2']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/row 0/);
  });
});
