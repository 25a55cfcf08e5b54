import { runInNewContext } from 'node:vm';
import { createSoftmax, SoftmaxError, type SyncSoftmax } from '@softmax-kit/core';
import { float64Backend } from '@softmax-kit/core/internal';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  drawMargin,
  referenceDistribution,
  referenceEntropy,
  referenceToken,
} from '../test/reference-sampler.js';
import { createSampler } from './create-sampler.js';
import { uniformAt } from './philox.js';
import type { SampleOptions, SampleResult, SamplerInput, SyncSampler } from './types.js';

// One test per repro of issue 14, section 0 (found adversarially against the sampler of
// 2026-12-07). The float64 test backend computes p with a relative error of a few n 2^-53 per
// entry; every bound below says where it comes from.

let softmax: SyncSoftmax;
let sampler: SyncSampler;
beforeAll(async () => {
  softmax = await createSoftmax(float64Backend());
  sampler = createSampler(softmax);
});

/** A fresh sampler on its own instance: what a call gives with no earlier call behind it. */
async function freshSampler(): Promise<SyncSampler> {
  return createSampler(await createSoftmax(float64Backend()));
}

/** The error a call throws (or 'no error'), checked to be a SoftmaxError. */
function errorOf(run: () => unknown): SoftmaxError | 'no error' {
  try {
    run();
  } catch (error) {
    expect(SoftmaxError.isInstance(error), `threw ${String(error)}`).toBe(true);
    return error as SoftmaxError;
  }
  return 'no error';
}

/** The plain data of a result, for deep comparison. */
const plain = (result: SampleResult) =>
  result.rows.map((row) => ({
    tokens: [...row.tokens],
    logprobs: [...row.logprobs],
    kept: row.kept,
    q: row.q ? [...row.q] : undefined,
    entropy: row.entropy,
    top: row.top ? [...row.top.tokens] : undefined,
  }));

/** Unhandled rejections seen while a test runs (SPEC: a call leaves none behind). */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});
/** Lets pending rejections surface (a macrotask after the microtasks settle). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('issue 14: top-k samples the renormalised top-k distribution', () => {
  // q from p of the float64 backend: each p_i within about 8 n 2^-53 relative (exp, sum,
  // division), so q_i within 2 * 8 n 2^-53 relative; 2^-40 is far above that at n = 601.
  const bound = 2 ** -40;

  it('[5, 1 x 600] with topK 3 gives q = [0.9647, 0.0177, 0.0177, 0, ...] (q used to sum to 28.3)', () => {
    const logits = [5, ...Array<number>(600).fill(1)];
    const reference = referenceDistribution(logits, { topK: 3 });
    const row = sampler.sampleSync(logits, { topK: 3, seed: 1, q: true, entropy: true }).rows[0]!;
    expect(row.kept).toBe(3);
    expect(row.q![0]).toBeCloseTo(0.9647, 4);
    for (let i = 0; i < logits.length; i++)
      expect(Math.abs(row.q![i]! - reference.q[i]!)).toBeLessThanOrEqual(bound * reference.q[i]!);
    expect(Math.abs(row.entropy! - referenceEntropy(reference))).toBeLessThanOrEqual(bound);
    expect(row.logprobs[0]).toBeLessThanOrEqual(0);
    expect(Math.abs(row.logprobs[0]! - Math.log(reference.q[row.tokens[0]!]!))).toBeLessThan(bound);
  });

  it('[5, 1 x 600] with topK 3 draws the reference token for each u, one draw a call', () => {
    const logits = [5, ...Array<number>(600).fill(1)];
    const reference = referenceDistribution(logits, { topK: 3 });
    let others = 0;
    for (let seed = 0; seed < 300; seed++) {
      const u = uniformAt(seed, 0, 0);
      if (drawMargin(reference, u) <= bound) continue;
      const token = sampler.sampleSync(logits, { topK: 3, seed }).rows[0]!.tokens[0];
      expect(token, `seed ${seed}, u = ${u}`).toBe(referenceToken(reference, u));
      if (token !== 0) others++;
    }
    expect(others).toBeGreaterThan(0); // q says 3.5% of the draws are not token 0
  });

  it('600 tokens x_i = -log(1 + i) with topK 512: q sums to 1 (it summed to 495.65)', () => {
    const logits = Array.from({ length: 600 }, (_, i) => -Math.log(1 + i));
    const reference = referenceDistribution(logits, { topK: 512 });
    for (const draws of [1, 4, 5]) {
      const row = sampler.sampleSync(logits, { topK: 512, seed: 3, q: true, draws }).rows[0]!;
      const sum = row.q!.reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(600 * 2 ** -50);
      row.tokens.forEach((token, k) => {
        expect(Math.abs(row.logprobs[k]! - Math.log(reference.q[token]!))).toBeLessThan(bound);
      });
    }
  });
});

describe('issue 14: no unhandled rejection from rawLogprobs', () => {
  it('a NaN logit with rawLogprobs rejects with NAN_INPUT and leaves no unhandled rejection', async () => {
    await expect(
      sampler.sample([1, Number.NaN, 2], { seed: 1, rawLogprobs: true }),
    ).rejects.toMatchObject({ code: 'NAN_INPUT' });
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('a disposed softmax with rawLogprobs rejects with DISPOSED and leaves no unhandled rejection', async () => {
    const instance = await createSoftmax(float64Backend());
    const own = createSampler(instance);
    await instance.dispose();
    await expect(own.sample([1, 2, 3], { seed: 1, rawLogprobs: true })).rejects.toMatchObject({
      code: 'DISPOSED',
    });
    await settle();
    expect(unhandled).toEqual([]);
  });
});

describe("issue 14: the caller's logits are never written", () => {
  /** Options whose `key` is `value` on its first read only. */
  const firstReadOnly = (key: 'bias' | 'allowed', value: unknown): SampleOptions => {
    let reads = 0;
    return Object.defineProperty({ seed: 1 }, key, {
      enumerable: true,
      get: () => (reads++ === 0 ? value : undefined),
    }) as SampleOptions;
  };

  it.each([
    ['bias', [Number.NEGATIVE_INFINITY, 0, 5]],
    ['allowed', [1, 2]],
  ] as const)(
    'a %s getter that yields a value once leaves a Float64Array and an array unchanged',
    (key, value) => {
      for (const make of [
        () => Float64Array.of(1, 2, 3),
        () => [1, 2, 3],
        () => Float32Array.of(1, 2, 3),
      ]) {
        const logits = make();
        errorOf(() => sampler.sampleSync(logits as SamplerInput, firstReadOnly(key, value)));
        expect([...logits]).toEqual([1, 2, 3]);
      }
    },
  );
});

describe('issue 14: a call leaves no state behind', () => {
  /** An array whose element `index` reads as each of `values` in turn (then the last). */
  function shifting(base: number[], index: number, values: number[]): number[] {
    const array = [...base];
    let reads = 0;
    Object.defineProperty(array, index, {
      enumerable: true,
      get: () => values[Math.min(reads++, values.length - 1)],
    });
    return array;
  }

  /** The later call gives what it gives on a fresh sampler, whatever the hostile call did. */
  async function noStateAfter(
    hostile: (s: SyncSampler) => unknown,
    later: (s: SyncSampler) => SampleResult,
  ) {
    const expected = plain(later(await freshSampler()));
    const used = await freshSampler();
    errorOf(() => hostile(used));
    expect(plain(later(used))).toEqual(expected);
    errorOf(() => hostile(used));
    expect(plain(later(used))).toEqual(expected);
  }

  const logits = [1, 2, 3, 4];
  const later = (s: SyncSampler) =>
    s.sampleSync([4, 3, 2, 1], { seed: 5, draws: 8, q: true, allowed: [2, 3] });
  const laterHistory = (s: SyncSampler) =>
    s.sampleSync([4, 3, 2, 1], {
      seed: 5,
      draws: 8,
      q: true,
      history: [0, 1, 2, 3, 3],
      frequencyPenalty: 1,
    });

  it('an allowed list whose element getter changes leaves no token allowed in later calls', async () => {
    await noStateAfter(
      (s) => s.sampleSync(logits, { seed: 1, allowed: shifting([0, 1], 1, [1, 0, 3, 2]) }),
      later,
    );
  });

  it('a history whose element getter changes leaves no penalty in later calls', async () => {
    await noStateAfter(
      (s) =>
        s.sampleSync(logits, {
          seed: 1,
          history: shifting([0, 1], 0, [0, 3, 2, 1]),
          presencePenalty: 2,
          frequencyPenalty: 1,
          repetitionPenalty: 1.5,
        }),
      laterHistory,
    );
  });

  it("a Float64Array with its own length samples its own entries, not the previous call's", async () => {
    const own = Float64Array.of(9, 1, 1, 1, 1, 1, 1, 1);
    Object.defineProperty(own, 'length', { value: 2 });
    const run = (s: SyncSampler) => s.sampleSync(own, { seed: 2, q: true, draws: 4 });
    const fresh = await freshSampler();
    const expected = errorOf(() => run(fresh));
    const used = await freshSampler();
    used.sampleSync(Float64Array.of(-5, -5, -5, -5, -5, -5, -5, 9), { seed: 2, q: true });
    if (expected === 'no error') {
      // Its entries are its typed-array contents, all 8 of them, as core reads them.
      const truth = plain(fresh.sampleSync(Float64Array.from(own), { seed: 2, q: true, draws: 4 }));
      expect(plain(run(used))).toEqual(truth);
    } else expect(errorOf(() => run(used))).toMatchObject({ code: expected.code });
  });

  it('a resizable buffer an options getter shrinks gives an error or the result of the logits as read', async () => {
    const make = () => {
      // (ES2024 resizable buffers: Node 20 has them, the TypeScript lib here does not.)
      const Resizable = ArrayBuffer as unknown as new (
        length: number,
        options: { maxByteLength: number },
      ) => ArrayBuffer & { resize(length: number): void };
      const buffer = new Resizable(8 * 8, { maxByteLength: 8 * 8 });
      const view = new Float64Array(buffer);
      view.set([0, 0, 0, 0, 0, 0, 0, 7]);
      const options = {
        seed: 3,
        q: true,
        get temperature() {
          buffer.resize(8 * 2);
          return 1;
        },
      } as SampleOptions;
      return { view, options };
    };
    const used = await freshSampler();
    used.sampleSync(Float64Array.of(7, 0, 0, 0, 0, 0, 0, 0), { seed: 3, q: true });
    const { view, options } = make();
    const outcome = errorOf(() => {
      const result = used.sampleSync(view, options);
      // Read once, when the call was made, in core's order: the options first, then the logits
      // (so no caller code runs after the logits are read): the 2 entries left after the
      // getter shrank the buffer, never the previous call's logits or 8 entries of which 6 are
      // gone.
      expect(result.rows[0]!.q!.length).toBe(2);
      expect(plain(result)).toEqual(
        plain(used.sampleSync(Float64Array.of(0, 0), { seed: 3, q: true })),
      );
    });
    if (outcome !== 'no error') expect(typeof outcome.code).toBe('string');
  });
});

describe('issue 14: options are read once, when the call is made', () => {
  const everyOption: SampleOptions = {
    shape: [1, 4],
    temperature: 0.9,
    topK: 3,
    topP: 0.95,
    minP: 0.01,
    bias: [0, 0.5, 0, 0],
    allowed: [0, 1, 2],
    history: [0, 2],
    repetitionPenalty: 1.1,
    presencePenalty: 0.2,
    frequencyPenalty: 0.1,
    seed: 4,
    step: 2,
    draws: 3,
    topN: 2,
    entropy: true,
    rawLogprobs: true,
    q: true,
  };

  /** The options behind a proxy that counts the reads of each key. */
  function counted(options: SampleOptions) {
    const reads = new Map<PropertyKey, number>();
    const proxy = new Proxy(options, {
      get(target, key, receiver) {
        reads.set(key, (reads.get(key) ?? 0) + 1);
        return Reflect.get(target, key, receiver);
      },
    });
    return { proxy, reads };
  }

  it('sampleSync reads every option at most once', () => {
    const { proxy, reads } = counted(everyOption);
    sampler.sampleSync([1, 2, 3, 4], proxy);
    const many = [...reads].filter(([, count]) => count > 1);
    expect(many).toEqual([]);
  });

  it('sample reads every option at most once', async () => {
    const { proxy, reads } = counted(everyOption);
    await sampler.sample([1, 2, 3, 4], proxy);
    expect([...reads].filter(([, count]) => count > 1)).toEqual([]);
  });

  it('a seed getter cannot slip NaN through as the run seed', () => {
    let reads = 0;
    const options = {
      get seed() {
        return reads++ === 0 ? 4 : Number.NaN;
      },
    } as SampleOptions;
    const outcome = errorOf(() => {
      expect(sampler.sampleSync([1, 2, 3], options).seed).toBe(4);
    });
    expect(outcome).toBe('no error');
  });

  it('rawLogprobs false then true gives no error about an out nobody passed', async () => {
    let reads = 0;
    const options = {
      seed: 1,
      get rawLogprobs() {
        return reads++ > 0;
      },
    } as SampleOptions;
    const fresh = await freshSampler(); // no raw-logprob scratch grown by earlier calls
    expect(errorOf(() => fresh.sampleSync([1, 2, 3], options))).toBe('no error');
  });

  it('options and logits changed after sample() returned its promise change nothing', async () => {
    const logits = [1, 2, 3, 0.5];
    const options: SampleOptions = { seed: 9, q: true, entropy: true, draws: 6, topN: 2 };
    const expected = plain(await sampler.sample([...logits], { ...options }));
    const changing = { ...options };
    const input = [...logits];
    const pending = sampler.sample(input, changing);
    changing.q = false;
    changing.entropy = false;
    changing.topN = 0;
    changing.topK = 1;
    changing.temperature = 0;
    input[0] = 50;
    expect(plain(await pending)).toEqual(expected);
  });
});

describe('issue 14: smaller repros', () => {
  it('T = Infinity with minP on [1e308, -1e308] is uniform over the allowed tokens', () => {
    const row = sampler.sampleSync([1e308, -1e308], {
      temperature: Number.POSITIVE_INFINITY,
      minP: 0.5,
      seed: 1,
      q: true,
    }).rows[0]!;
    expect([...row.q!]).toEqual([0.5, 0.5]);
    expect(row.kept).toBe(2);
  });

  it('history ids are checked without a penalty (naming the position)', () => {
    for (const history of [
      [0, 5],
      [0, 1.5],
      [0, -1],
    ]) {
      const error = errorOf(() => sampler.sampleSync([1, 2, 3], { seed: 1, history }));
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      expect((error as SoftmaxError).message).toMatch(/position 1/);
    }
  });

  it('step 2^53 - 1 with one draw is accepted and draws with u of that step', () => {
    const step = 2 ** 53 - 1;
    const logits = [0, 1, 2, 0.5];
    const result = errorOf(() => {
      const row = sampler.sampleSync(logits, { seed: 6, step, draws: 1 }).rows[0]!;
      expect(row.tokens[0]).toBe(
        referenceToken(referenceDistribution(logits, {}), uniformAt(6, 0, step)),
      );
    });
    expect(result).toBe('no error');
    expect(errorOf(() => sampler.sampleSync(logits, { seed: 6, step, draws: 2 }))).toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('draws: 2^40 is refused with a message that names draws', () => {
    const error = errorOf(() => sampler.sampleSync([1, 2], { seed: 1, draws: 2 ** 40 }));
    expect(error).not.toBe('no error');
    expect((error as SoftmaxError).message).toMatch(/\bdraws\b/);
  });

  it("ALL_MASKED from sample() names the row and does not advise core's allMasked option", async () => {
    for (const [logits, options] of [
      [[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], { seed: 1 }],
      [[1, 2], { seed: 1, bias: [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY] }],
    ] as const) {
      const error = await sampler.sample([...logits], options).then(
        () => 'no error',
        (e: unknown) => e as SoftmaxError,
      );
      expect(error).toMatchObject({ code: 'ALL_MASKED' });
      expect((error as SoftmaxError).message).toMatch(/row 0/);
      expect((error as SoftmaxError).message).not.toMatch(/allMasked/);
    }
  });

  it('a Map bias from another realm (node:vm) is accepted like a local one', () => {
    const foreign = runInNewContext('new Map([[0, 3], [2, -Infinity]])') as Map<number, number>;
    const local = new Map([
      [0, 3],
      [2, Number.NEGATIVE_INFINITY],
    ]);
    const options = { seed: 1, q: true, draws: 4 };
    const expected = plain(sampler.sampleSync([1, 2, 3], { ...options, bias: local }));
    const outcome = errorOf(() => {
      expect(plain(sampler.sampleSync([1, 2, 3], { ...options, bias: foreign }))).toEqual(expected);
    });
    expect(outcome).toBe('no error');
  });
});
