import { uniformAt } from '@softmax-kit/sampling';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/run-cli.js';

interface SampleJson {
  backend: string;
  seed: number;
  rows: {
    tokens: number[];
    logprobs: number[];
    kept: number;
    q: number[];
    top: { tokens: number[] };
  }[];
}

// SPEC's worked example: softmax([2, 1, 0.1]) = [0.659001, 0.242433, 0.098566] (6 digits).
// top-p 0.9 keeps tokens 0 and 1 (0.659 < 0.9 <= 0.901); q = p / 0.901434 on them.
const P = [0.659001, 0.242433, 0.098566];
const Q0 = P[0]! / (P[0]! + P[1]!);

describe('softmax-kit sample', () => {
  it('prints the tokens, their log-probabilities and q for the README example', async () => {
    const run = await runCli(['sample', '2,1,0.1', '--top-p', '0.9', '--seed', '7', '-n', '20']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^seed 7\b/);
    const tokens = lines
      .find((line) => line.startsWith('tokens'))!
      .split(/\s+/)
      .slice(1)
      .map(Number);
    expect(tokens).toHaveLength(20);
    // SPEC's draw: token 0 when u * S < C_0 = q_0, else 1 (u from Philox keyed (7, row 0, step)).
    expect(tokens).toEqual(tokens.map((_, step) => (uniformAt(7, 0, step) < Q0 ? 0 : 1)));
    const logprobs = lines
      .find((line) => line.startsWith('log-probabilities'))!
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // 6 printed digits and SPEC's 6-digit inputs: 1e-5 relative.
    logprobs.forEach((value, k) => {
      expect(Math.abs(value - Math.log(tokens[k] === 0 ? Q0 : 1 - Q0))).toBeLessThan(1e-5);
    });
    expect(run.stdout).toMatch(/kept 2 of 3 tokens/);
    const row0 = lines
      .find((line) => /^0\s/.test(line))!
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(Math.abs(row0[2]! - Q0)).toBeLessThan(1e-5);
  });

  it('reads rows from stdin and answers JSON with an object per row and the seed', async () => {
    const run = await runCli(
      ['sample', '--json', '-n', '5', '--seed', '3', '--top-k', '1'],
      '2,1,0.1\n0 5 5\n',
    );
    expect(run.code).toBe(0);
    const payload = JSON.parse(run.stdout) as SampleJson;
    expect(payload.seed).toBe(3);
    expect(payload.rows.map((row) => row.tokens)).toEqual([
      [0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1], // top-k 1 keeps the lower index of the tie
    ]);
    expect(payload.rows.every((row) => row.logprobs.every((v) => v === 0))).toBe(true);
    expect(payload.rows[1]!.q).toEqual([0, 1, 0]);
  });

  it('repeats a run with the seed it printed, and greedy ignores the seed', async () => {
    const first = JSON.parse(
      (await runCli(['sample', '1,2,3,2', '-n', '30', '--json'])).stdout,
    ) as SampleJson;
    expect(Number.isSafeInteger(first.seed)).toBe(true);
    const again = JSON.parse(
      (await runCli(['sample', '1,2,3,2', '-n', '30', '--json', '--seed', String(first.seed)]))
        .stdout,
    ) as SampleJson;
    expect(again.rows[0]!.tokens).toEqual(first.rows[0]!.tokens);
    const greedy = JSON.parse(
      (await runCli(['sample', '1,3,3', '-t', '0', '-n', '3', '--json'])).stdout,
    ) as SampleJson;
    expect(greedy.rows[0]!.tokens).toEqual([1, 1, 1]);
  });

  it('takes bias, allowed ids and penalties as flags', async () => {
    const banned = JSON.parse(
      (await runCli(['sample', '5,1,1', '--bias', '0:-inf', '-n', '40', '--json', '--seed', '1']))
        .stdout,
    ) as SampleJson;
    expect(banned.rows[0]!.tokens.includes(0)).toBe(false);
    expect(banned.rows[0]!.q[0]).toBe(0);
    const allowed = JSON.parse(
      (await runCli(['sample', '5,1,1', '--allowed', '2', '--json'])).stdout,
    ) as SampleJson;
    expect(allowed.rows[0]!.tokens).toEqual([2]);
    // presence penalty 10 on token 0 (5 - 10 = -5) leaves tokens 1 and 2 far ahead: top-k 2 keeps them.
    const penalised = JSON.parse(
      (
        await runCli([
          'sample',
          '5,1,1',
          '--history',
          '0',
          '--presence-penalty',
          '10',
          '--top-k',
          '2',
          '--json',
        ])
      ).stdout,
    ) as SampleJson;
    expect(penalised.rows[0]!.top.tokens).toEqual([1, 2]);
  });

  it('exits 2 on a bad parameter and 1 on bad logits, with the reason', async () => {
    const badTopP = await runCli(['sample', '1,2', '--top-p', '1.5']);
    expect(badTopP.code).toBe(2);
    expect(badTopP.stderr).toMatch(/topP/);
    const nan = await runCli(['sample', '1,nan']);
    expect(nan.code).toBe(1);
    expect(nan.stderr).toMatch(/NaN/);
    const none = await runCli(['sample', '1,2', '--bias', '0:-inf,1:-inf']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/row 0/);
    const ragged = await runCli(['sample', '1,2', '1,2,3']);
    expect(ragged.code).toBe(2);
  });
});
