import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { float64Backend } from '@softmax-kit/core/internal';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { testRng } from '../test/reference-sampler.js';
import { createSampler } from './create-sampler.js';
import { philox4x32, uniformAt, uniformPairAt } from './philox.js';
import { dryMatchLengths, dryScratch } from './steps/dry-match.js';
import type { SampleOptions, SyncSampler } from './types.js';

let sampler: SyncSampler;
beforeAll(async () => {
  sampler = createSampler(await createSoftmax(float64Backend()));
});

const kept = (q: Float64Array | undefined) => [...(q ?? [])].flatMap((v, i) => (v > 0 ? [i] : []));
const one = (logits: number[], options: SampleOptions) =>
  sampler.sampleSync(logits, { seed: 1, q: true, ...options }).rows[0]!;
const ln = Math.log;

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'resolved';
  } catch (error) {
    return SoftmaxError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

/** SPEC's l(t), straight from its definition (quadratic): the check for the linear version. */
function dryByDefinition(h: readonly number[], breakers: ReadonlySet<number>): Map<number, number> {
  const L = h.length;
  const lengths = new Map<number, number>();
  for (let j = 0; j < L; j++) {
    const t = h[j]!;
    let l = 0;
    if (!breakers.has(t))
      while (j - 1 - l >= 0 && h[j - 1 - l] === h[L - 1 - l] && !breakers.has(h[L - 1 - l]!)) l++;
    lengths.set(t, Math.max(lengths.get(t) ?? 0, l));
  }
  return lengths;
}

describe('the draw second output', () => {
  it('v is words 3 (high) and 2 (low) of the same Philox call whose words 1 and 0 give u', () => {
    const rng = testRng(5);
    for (let trial = 0; trial < 200; trial++) {
      const seed = Math.floor(rng() * 2 ** 40) - 2 ** 39;
      const row = Math.floor(rng() * 1000);
      const step = Math.floor(rng() * 2 ** 35);
      const high = Math.floor(seed / 2 ** 32);
      const words = philox4x32(
        step % 2 ** 32,
        Math.floor(step / 2 ** 32),
        row,
        0,
        (seed - high * 2 ** 32) >>> 0,
        high >>> 0,
        new Uint32Array(4),
      );
      const bits = (BigInt(words[3]!) << 32n) | BigInt(words[2]!);
      const [u, v] = uniformPairAt(seed, row, step, new Float64Array(2));
      expect(u).toBe(uniformAt(seed, row, step));
      expect(v).toBe(Number(bits >> 11n) * 2 ** -53);
    }
  });
});

describe('DRY', () => {
  it('match lengths in linear time equal SPEC definition on random histories with breakers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
        (h, breakerList) => {
          const marks = new Uint8Array(4);
          for (const b of breakerList) marks[b] = 1;
          const got = new Map<number, number>();
          dryMatchLengths(
            h,
            0,
            h.length,
            breakerList.length ? marks : undefined,
            dryScratch(),
            (t, l) => got.set(t, Math.max(got.get(t) ?? 0, l)),
          );
          const expected = dryByDefinition(h, new Set(breakerList));
          for (const [t, l] of expected) if (!breakerList.includes(t)) expect(got.get(t)).toBe(l);
          for (const b of breakerList) expect(got.get(b) ?? 0).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('penalises the token that would extend a repeat: mu * b^(l - a), and spares the rest', () => {
    // h = 5 6 7 5 6: token 7 continues "5 6" (l = 2), the others no repeat.
    const r = one([0, 0, 0, 0, 0, 0, 0, 0], {
      history: [5, 6, 7, 5, 6],
      dryMultiplier: 0.5,
      dryBase: 3,
      dryAllowedLength: 1,
      temperature: 1,
    });
    // l(7) = 2, a = 1: penalty 0.5 * 3^1 = 1.5.
    const z = 7 + Math.exp(-1.5);
    expect(r.q![7]).toBeCloseTo(Math.exp(-1.5) / z, 14);
    expect(r.q![0]).toBeCloseTo(1 / z, 14);
  });

  it('a breaker inside the repeat cuts it; a penalty that overflows bans the token', () => {
    const history = [1, 2, 3, 1, 2]; // token 3 would repeat "1 2" (l = 2)
    const plain = one([0, 0, 0, 0], { history, dryMultiplier: 1, dryAllowedLength: 2 });
    expect(plain.q![3]).toBeLessThan(plain.q![0]!);
    const broken = one([0, 0, 0, 0], {
      history,
      dryMultiplier: 1,
      dryAllowedLength: 2,
      dryBreakers: [1],
    });
    expect(broken.q![3]).toBe(broken.q![0]); // l(3) = 1 < a: no penalty
    const long = Array.from({ length: 3000 }, (_, i) => i % 2); // 0 1 0 1 ... 1: token 0 repeats
    const banned = one([0, 0, 5], {
      history: long,
      dryMultiplier: 1,
      dryBase: 2,
      dryAllowedLength: 1,
    });
    expect(banned.q![0]).toBe(0);
    // token 1 follows only 0s, never the history's last token 1: l(1) = 0, kept.
    expect(kept(banned.q)).toEqual([1, 2]);
  });

  it('penaltyWindow: the penalties and DRY see only the last w entries', () => {
    const full = one([0, 0, 0], { history: [0, 0, 1], presencePenalty: 1 });
    const windowed = one([0, 0, 0], { history: [0, 0, 1], presencePenalty: 1, penaltyWindow: 1 });
    expect(full.q![0]).toBeCloseTo(full.q![1]!, 14); // both penalised once
    expect(windowed.q![0]).toBeCloseTo(windowed.q![2]!, 14); // only token 1 seen
    expect(windowed.q![1]).toBeLessThan(windowed.q![0]!);
    const none = one([0, 0, 0], { history: [0, 0, 1], presencePenalty: 1, penaltyWindow: 0 });
    expect(none.q![1]).toBeCloseTo(1 / 3, 14);
  });
});

describe('truncation v1.1', () => {
  const row = [0, ln(8), 0, ln(4), ln(2)]; // p = [1, 8, 1, 4, 2] / 16

  it('top-nσ keeps x >= max - s * sigma, ties included, at least minKeep', () => {
    const x = [4, 3, 0, -6, 3];
    // mean 0.8, sigma = sqrt((3.2^2 + 2 * 2.2^2 + 0.8^2 + 6.8^2) / 5) = 3.655
    expect(kept(one(x, { topNSigma: 0.2 }).q)).toEqual([0]); // threshold 3.27
    expect(kept(one(x, { topNSigma: 0.5 }).q)).toEqual([0, 1, 4]); // 2.17: the tie 3, 3 whole
    expect(kept(one(x, { topNSigma: 1 }).q)).toEqual([0, 1, 4]); // 0.345
    expect(kept(one(x, { topNSigma: 1.2 }).q)).toEqual([0, 1, 2, 4]); // -0.386
    expect(kept(one(x, { topNSigma: 0.1, minKeep: 2 }).q)).toEqual([0, 1]);
  });

  it('typical-p orders by |-log q - H| and keeps a set that need not be a ranking prefix', () => {
    // H = 1.2997; distances: token 3: 0.087, 1: 0.607, 4: 0.780, 0 and 2: 1.473.
    expect(kept(one(row, { typicalP: 0.2 }).q)).toEqual([3]);
    expect(kept(one(row, { typicalP: 0.5 }).q)).toEqual([1, 3]);
    expect(kept(one(row, { typicalP: 0.8 }).q)).toEqual([1, 3, 4]);
    expect(kept(one(row, { typicalP: 0.9 }).q)).toEqual([0, 1, 3, 4]); // tie 0/2 by ranking
    expect(kept(one(row, { typicalP: 0.2, minKeep: 2 }).q)).toEqual([1, 3]);
  });

  it('XTC removes every token with q >= theta but the last of them in the ranking, when v < pi', () => {
    expect(kept(one(row, { xtcProbability: 1, xtcThreshold: 0.2 }).q)).toEqual([0, 2, 3, 4]);
    expect(kept(one(row, { xtcProbability: 1, xtcThreshold: 0.6 }).q)).toEqual([0, 1, 2, 3, 4]);
    // Every draw's coin is its own v: with pi = 0.5 about half the draws exclude token 1.
    const result = sampler.sampleSync(row, {
      seed: 3,
      draws: 400,
      xtcProbability: 0.5,
      xtcThreshold: 0.2,
    });
    const tokens = result.rows[0]!.tokens;
    for (let draw = 0; draw < 400; draw++) {
      const [, v] = uniformPairAt(3, 0, draw, new Float64Array(2));
      if (v! < 0.5) expect(tokens[draw]).not.toBe(1);
    }
    const ones = [...tokens].filter((t) => t === 1).length;
    expect(ones).toBeGreaterThan(50); // draws with v >= 0.5 pick token 1 with q = 0.5
  });

  it('the ranked path gives the v1 path tokens where minKeep changes nothing', () => {
    const rng = testRng(9);
    let compared = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(rng() * 40);
      const logits = Array.from({ length: n }, () => Math.round((rng() - 0.5) * 8 * 4) / 4);
      const options: SampleOptions = {
        seed: trial,
        draws: 8,
        temperature: [0.5, 1, 2][trial % 3]!,
        ...(trial % 2 ? { topK: 1 + Math.floor(rng() * n) } : {}),
        ...(trial % 3 ? { topP: 0.3 + 0.7 * rng() } : {}),
        ...(trial % 5 ? {} : { minP: 0.2 * rng() }),
      };
      const v1 = sampler.sampleSync(logits, options).rows[0]!;
      if (v1.kept < 2) continue;
      const ranked = sampler.sampleSync(logits, { ...options, minKeep: 2 }).rows[0]!;
      expect(ranked.kept).toBe(v1.kept);
      expect([...ranked.tokens]).toEqual([...v1.tokens]);
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('every v1.1 option at its off value gives the v1 result bit for bit', () => {
    const rows = [
      [1, 2, 3, 0.5, -1, 2],
      [0, 0, 0, 0, 0, 0],
      [4, -2, 1, 1, 3, 0],
    ];
    const base: SampleOptions = {
      seed: 77,
      draws: 12,
      topP: 0.95,
      history: [1, 2, 1],
      presencePenalty: 0.5,
    };
    const off: SampleOptions = {
      penaltyWindow: 1e9,
      dryMultiplier: 0,
      dryBase: 1.75,
      dryAllowedLength: 2,
      typicalP: 1,
      xtcProbability: 0,
      minKeep: 1,
    };
    const v1 = sampler.sampleSync(rows, base);
    const v11 = sampler.sampleSync(rows, { ...base, ...off });
    expect(v11.rows.map((r) => [...r.tokens])).toEqual(v1.rows.map((r) => [...r.tokens]));
    expect(v11.rows.map((r) => [...r.logprobs])).toEqual(v1.rows.map((r) => [...r.logprobs]));
  });
});

describe('errors of the v1.1 options', () => {
  it.each([
    ['penaltyWindow', -1],
    ['penaltyWindow', 1.5],
    ['dryMultiplier', -0.1],
    ['dryMultiplier', Number.POSITIVE_INFINITY],
    ['dryBase', 0.9],
    ['dryAllowedLength', 0],
    ['dryAllowedLength', 2.5],
    ['topNSigma', 0],
    ['topNSigma', Number.NaN],
    ['typicalP', 0],
    ['typicalP', 1.01],
    ['xtcThreshold', -0.1],
    ['xtcProbability', 1.5],
    ['minKeep', 0],
    ['minKeep', 1.5],
  ])('%s = %s is INVALID_INPUT naming the option', (name, value) => {
    const message = codeOf(() => sampler.sampleSync([1, 2, 3], { seed: 1, [name]: value }));
    expect(message).toMatch(new RegExp(`^INVALID_INPUT: .*${name}`));
  });

  it('a per-row array of the wrong length, and a bad value in it, name the option and row', () => {
    expect(
      codeOf(() =>
        sampler.sampleSync(
          [
            [1, 2],
            [3, 4],
          ],
          { typicalP: [0.5] },
        ),
      ),
    ).toMatch(/INVALID_INPUT: .*typicalP has 1 values for 2 rows/);
    expect(
      codeOf(() =>
        sampler.sampleSync(
          [
            [1, 2],
            [3, 4],
          ],
          { minKeep: [1, 0] },
        ),
      ),
    ).toMatch(/INVALID_INPUT: .*minKeep\[1\] \(row 1\)/);
  });

  it('a breaker id outside [0, n) names its row and position', () => {
    expect(
      codeOf(() =>
        sampler.sampleSync(
          [
            [1, 2],
            [3, 4],
          ],
          {
            history: [0, 1],
            dryMultiplier: 1,
            dryBreakers: [[0], [1, 2]],
          },
        ),
      ),
    ).toMatch(/INVALID_INPUT: .*dryBreakers of row 1 has 2 at position 1/);
  });
});
