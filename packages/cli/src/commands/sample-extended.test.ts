import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

interface SampleJson {
  rows: { kept: number; q: number[] }[];
}

const kept = (json: SampleJson) =>
  json.rows[0]!.q.flatMap((value, token) => (value > 0 ? [token] : []));

// p = [1, 8, 1, 4, 2] / 16 (logits 0, ln 8, 0, ln 4, ln 2).
const ROW = [0, Math.log(8), 0, Math.log(4), Math.log(2)].join(',');

describe('softmax-kit sample, SPEC v1.1 flags (from the options table)', () => {
  it.each([
    [['--typical-p', '0.2'], [3]],
    [
      ['--typical-p', '0.2', '--min-keep', '2'],
      [1, 3],
    ],
    [
      ['--xtc-probability', '1', '--xtc-threshold', '0.2'],
      [0, 2, 3, 4],
    ],
    [['--top-n-sigma', '0.1'], [1]],
    [
      ['--top-p', '0.4', '--min-keep', '3'],
      [1, 3, 4],
    ],
  ])('%j keeps %j', async (flags, expected) => {
    const run = await runCli(['sample', ROW, '--seed', '1', '--json', ...flags]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(kept(JSON.parse(run.stdout) as SampleJson)).toEqual(expected);
  });

  it('DRY, its breakers and the penalty window', async () => {
    // History 1 2 3 1 2: token 3 would repeat "1 2" (l = 2 >= a = 2): it loses 1.
    const dry = ['--history', '1,2,3,1,2', '--dry-multiplier', '1', '--seed', '1', '--json'];
    const penalised = JSON.parse(
      (await runCli(['sample', '0,0,0,0', ...dry])).stdout,
    ) as SampleJson;
    expect(penalised.rows[0]!.q[3]).toBeCloseTo(Math.exp(-1) / (3 + Math.exp(-1)), 12);
    const broken = JSON.parse(
      (await runCli(['sample', '0,0,0,0', ...dry, '--dry-breakers', '1'])).stdout,
    ) as SampleJson;
    expect(broken.rows[0]!.q[3]).toBeCloseTo(0.25, 12);
    const windowed = JSON.parse(
      (await runCli(['sample', '0,0,0,0', ...dry, '--penalty-window', '2'])).stdout,
    ) as SampleJson;
    expect(windowed.rows[0]!.q[3]).toBeCloseTo(0.25, 12);
  });

  it('a v1.1 value out of range is a usage error naming the option', async () => {
    const run = await runCli(['sample', '1,2', '--typical-p', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/typicalP/);
  });
});
