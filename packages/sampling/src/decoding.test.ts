import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { float64Backend } from '@softmax-kit/core/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { testRng } from '../test/reference-sampler.js';
import { createDecoder, type SyncDecoder } from './create-decoder.js';
import { createSampler } from './create-sampler.js';
import { uniformPairAt } from './philox.js';
import type { SyncSampler } from './types.js';

let decoder: SyncDecoder;
let sampler: SyncSampler;
beforeAll(async () => {
  const sm = await createSoftmax(float64Backend());
  decoder = createDecoder(sm);
  sampler = createSampler(sm);
});

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'resolved';
  } catch (error) {
    return SoftmaxError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

/** The first index whose running sum of the positive weights exceeds `target` (-1: none). */
function firstAbove(weights: ArrayLike<number>, target: number): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i]! > 0)) continue;
    sum += weights[i]!;
    if (sum > target) return i;
  }
  return -1;
}

/** log softmax in float64 with SPEC's accurate form: (x_t - m) - log1p(sum over j != k). */
function logSoftmaxAt(row: readonly number[], t: number): number {
  const m = Math.max(...row);
  const k = row.indexOf(m);
  let s = 0;
  row.forEach((v, j) => {
    if (j !== k) s += Math.exp(v - m);
  });
  return row[t]! - m - Math.log1p(s);
}

describe('score', () => {
  it('is accurate relative to the result: score([0, -40], 0) = -4.248354e-18, also at m = 1e6', () => {
    const eps = 2 ** -53;
    for (const row of [
      [0, -40],
      [1e6, 1e6 - 40],
    ]) {
      const { logprobs } = decoder.scoreSync([row], { targets: [0] });
      // |error| <= 4 eps |result|: a log1p and a subtraction of same-sign terms.
      expect(Math.abs(logprobs[0]! - -4.248354255291589e-18)).toBeLessThanOrEqual(
        4 * eps * 4.25e-18,
      );
    }
  });

  it('gives the sum, the mean NLL and the perplexity of the raw log-probabilities', () => {
    const rows = [
      [2, 1, 0.1],
      [0, 3, 1],
      [5, 5, 5],
    ];
    const targets = [0, 2, 1];
    const r = decoder.scoreSync(rows, { targets });
    const expected = rows.map((row, i) => logSoftmaxAt(row, targets[i]!));
    for (let i = 0; i < 3; i++) expect(r.logprobs[i]).toBeCloseTo(expected[i]!, 14);
    const sum = expected.reduce((a, b) => a + b, 0);
    expect(r.sum).toBeCloseTo(sum, 14);
    expect(r.meanNll).toBeCloseTo(-sum / 3, 14);
    expect(r.perplexity).toBeCloseTo(Math.exp(-sum / 3), 13);
    const empty = decoder.scoreSync(new Float64Array(0), { shape: [0, 3], targets: [] });
    expect([empty.sum, empty.meanNll, empty.perplexity]).toEqual([0, 0, 1]);
  });

  it('scores under the processed q when asked: a target the truncation drops is -Infinity', () => {
    const r = decoder.scoreSync([[3, 2, 0]], { targets: [2], processed: { topK: 2 } });
    expect(r.processed!.logprobs[0]).toBe(Number.NEGATIVE_INFINITY);
    expect(r.processed!.perplexity).toBe(Number.POSITIVE_INFINITY);
    const kept = decoder.scoreSync([[3, 2, 0]], { targets: [1], processed: { topK: 2 } });
    expect(kept.processed!.logprobs[0]).toBeCloseTo(-Math.log1p(Math.E), 14);
  });

  it('a target outside [0, n) is INVALID_INPUT naming the row', () => {
    expect(
      codeOf(() =>
        decoder.scoreSync(
          [
            [1, 2],
            [3, 4],
          ],
          { targets: [0, 2] },
        ),
      ),
    ).toMatch(/INVALID_INPUT: .*row 1/);
  });
});

describe('beamStep', () => {
  it('ranks every (beam, token) by s_b + log q, ties by lower beam then lower token', () => {
    const rows = [
      [1, 1, 0],
      [1, 1, 0],
      [2, 0, 0],
    ];
    const scores = [-1, -1, -1.5];
    const r = decoder.beamStepSync(rows, { scores, width: 9 });
    const candidates: [number, number, number][] = [];
    for (const [b, row] of rows.entries())
      for (let t = 0; t < row.length; t++)
        candidates.push([scores[b]! + logSoftmaxAt(row, t), b, t]);
    candidates.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    expect([...r.beams]).toEqual(candidates.map((c) => c[1]));
    expect([...r.tokens]).toEqual(candidates.map((c) => c[2]));
    expect(r.beams.slice(1, 5)).toEqual(Int32Array.of(0, 0, 1, 1)); // the exact ties, after beam 2's best
    for (let k = 0; k < 9; k++) expect(r.scores[k]).toBeCloseTo(candidates[k]![0], 14);
  });

  it('defaults to width 2B, never returns a -Infinity candidate, and takes width above B * n', () => {
    const r = decoder.beamStepSync([[0, Number.NEGATIVE_INFINITY, 1]], {
      scores: [0],
      width: 10,
    });
    expect([...r.tokens]).toEqual([2, 0]);
    const two = decoder.beamStepSync(
      [
        [0, 1, 2],
        [2, 1, 0],
      ],
      { scores: [0, Number.NEGATIVE_INFINITY] },
    );
    expect([...two.tokens]).toEqual([2, 1, 0, 0].slice(0, 3)); // beam 1 is dead; 2B = 4 > 3
  });

  it('applies a truncation only when asked, and refuses XTC', () => {
    const r = decoder.beamStepSync([[3, 2, 0]], { scores: [0], topK: 2, width: 3 });
    expect([...r.tokens]).toEqual([0, 1]);
    expect(
      codeOf(() => decoder.beamStepSync([[1, 2]], { scores: [0], xtcProbability: 0.5 })),
    ).toMatch(/^INVALID_INPUT/);
  });

  it('finds the same best candidates as a full sort at 4 x 5000', () => {
    const rng = testRng(3);
    const n = 5000;
    const rows = Array.from({ length: 4 }, () =>
      Array.from({ length: n }, () => Math.round(rng() * 40) / 8),
    );
    const scores = [-1, -2, -0.5, -3];
    const r = decoder.beamStepSync(rows, { scores, width: 50 });
    const all: [number, number, number][] = [];
    rows.forEach((row, b) => {
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
      for (const [t, v] of row.entries()) all.push([scores[b]! + (v - lse), b, t]);
    });
    all.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
    expect([...r.beams]).toEqual(all.slice(0, 50).map((c) => c[1]));
    expect([...r.tokens]).toEqual(all.slice(0, 50).map((c) => c[2]));
  });
});

describe('verify', () => {
  const target = [
    [2, 1, 0, 0.5],
    [0, 3, 1, 1],
    [1, 1, 1, 4],
  ];
  const r0 = [0.4, 0.3, 0.2, 0.1];
  const r1 = [0.1, 0.6, 0.2, 0.1];

  it('accepts d_i when u_i r_i(d_i) < p_i(d_i), else draws the correction from max(0, p - r) with v', () => {
    for (let seed = 0; seed < 200; seed++) {
      const got = decoder.verifySync(target, { draft: [0, 1], draftProbabilities: [r0, r1], seed });
      // The same rule, written out with the sampler's q as p.
      const tokens: number[] = [];
      for (let i = 0; i <= 2; i++) {
        const p = sampler.sampleSync(target[i]!, { seed, q: true, draws: 0 }).rows[0]!.q!;
        const [u, v] = uniformPairAt(seed, 0, i, new Float64Array(2));
        if (i === 2) {
          tokens.push(firstAbove(p, u!));
          break;
        }
        const d = [0, 1][i]!;
        const r = [r0, r1][i]!;
        if (u! * r[d]! < p[d]!) {
          tokens.push(d);
          continue;
        }
        const residual = p.map((value, t) => Math.max(0, value - r[t]!));
        const total = residual.reduce((a, b) => a + b, 0);
        tokens.push(firstAbove(residual, v! * total));
        break;
      }
      expect([...got.tokens]).toEqual(tokens);
      expect(got.accepted).toBe(tokens.length - 1);
    }
  });

  it('its first token follows the target distribution (chi-square, 20,000 seeds)', () => {
    const p = sampler.sampleSync(target[0]!, { seed: 0, q: true, draws: 0 }).rows[0]!.q!;
    const counts = [0, 0, 0, 0];
    const runs = 20_000;
    // The draft's tokens are drawn from r_0 and r_1 (the theorem's premise), with another stream.
    const rng = testRng(17);
    const fromDraft = (r: readonly number[]) => {
      const t = firstAbove(r, rng());
      return t < 0 ? r.length - 1 : t;
    };
    for (let seed = 0; seed < runs; seed++) {
      const draft = [fromDraft(r0), fromDraft(r1)];
      const { tokens } = decoder.verifySync(target, { draft, draftProbabilities: [r0, r1], seed });
      counts[tokens[0]!]!++;
    }
    const statistic = counts.reduce((s, c, t) => s + (c - runs * p[t]!) ** 2 / (runs * p[t]!), 0);
    expect(statistic).toBeLessThan(21.1); // chi-square, df = 3, significance 1e-4
  });

  it('at T = 0 on both sides it is exact-match verification; k = 0 is one draw from p_0', () => {
    const oneHot = (t: number) => [0, 1, 2, 3].map((j) => (j === t ? 1 : 0));
    const got = decoder.verifySync(target, {
      draft: [0, 2],
      draftProbabilities: [oneHot(0), oneHot(2)],
      temperature: 0,
      seed: 5,
    });
    expect([...got.tokens]).toEqual([0, 1]); // 0 matches the argmax, 2 does not: 1 instead
    expect(got.accepted).toBe(1);
    const single = decoder.verifySync([target[0]!], { draft: [], draftProbabilities: [], seed: 5 });
    expect(single.tokens.length).toBe(1);
    expect(single.accepted).toBe(0);
  });

  it('never processes a target row past the first rejection', () => {
    // Row 2 has a NaN: verify must not reach it when d_0 is rejected (r_0(d_0) = 1, p_0(d_0) ~ 0).
    const rows = [
      [0, -50, -50],
      [0, 0, 0],
      [Number.NaN, 0, 0],
    ];
    const got = decoder.verifySync(rows, {
      draft: [2, 0],
      draftProbabilities: [
        [0, 0, 1],
        [1, 0, 0],
      ],
      seed: 1,
    });
    expect(got.accepted).toBe(0);
  });

  it('refuses XTC, bad draft ids, r_i(d_i) = 0 and r_i that is not a distribution, naming i', () => {
    const base = { draft: [0, 1], draftProbabilities: [r0, r1], seed: 1 };
    expect(codeOf(() => decoder.verifySync(target, { ...base, xtcProbability: 0.1 }))).toMatch(
      /^INVALID_INPUT/,
    );
    expect(codeOf(() => decoder.verifySync(target, { ...base, draft: [0, 4] }))).toMatch(
      /INVALID_INPUT: .*i = 1/,
    );
    expect(
      codeOf(() =>
        decoder.verifySync(target, { ...base, draftProbabilities: [r0, [0.5, 0, 0.4, 0.1]] }),
      ),
    ).toMatch(/INVALID_INPUT: .*i = 1.*is 0/);
    expect(
      codeOf(() =>
        decoder.verifySync(target, { ...base, draftProbabilities: [[0.5, 0.3, 0.3, 0.1], r1] }),
      ),
    ).toMatch(/INVALID_INPUT: .*i = 0.*sums/);
    expect(
      codeOf(() =>
        decoder.verifySync(target, { ...base, draftProbabilities: [[0.5, 0.6, -0.1, 0], r1] }),
      ),
    ).toMatch(/INVALID_INPUT: .*i = 0/);
    expect(codeOf(() => decoder.verifySync(target.slice(0, 2), base))).toMatch(
      /INVALID_INPUT: .*k \+ 1 = 3/,
    );
  });

  it('the asynchronous forms give the synchronous results', async () => {
    const options = { draft: [0, 1], draftProbabilities: [r0, r1], seed: 9 };
    expect([...(await decoder.verify(target, options)).tokens]).toEqual([
      ...decoder.verifySync(target, options).tokens,
    ]);
    expect((await decoder.score(target, { targets: [0, 1, 2] })).sum).toBe(
      decoder.scoreSync(target, { targets: [0, 1, 2] }).sum,
    );
    expect([...(await decoder.beamStep(target, { scores: [0, -1, -2] })).tokens]).toEqual([
      ...decoder.beamStepSync(target, { scores: [0, -1, -2] }).tokens,
    ]);
  });
});
