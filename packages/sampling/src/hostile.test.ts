import { runInNewContext } from 'node:vm';
import { createSoftmax, ERROR_CODES, SoftmaxError } from '@softmax-kit/core';
import { float64Backend } from '@softmax-kit/core/internal';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSampler } from './create-sampler.js';
import { OPTIONS } from './options.js';
import type { SampleOptions, SampleResult, SyncSampler } from './types.js';

/**
 * Hostile input for `sample()` / `sampleSync()` (SPEC's rule: a correct result or a
 * `SoftmaxError` with a code, never another exception; the input never modified; nothing left
 * behind for a later call). Each case is a recipe (plain data, so fast-check prints and shrinks
 * it) of logits in a container and a value per option, valid or hostile. Profile: CI runs
 * FUZZ_RUNS (default 2,000) cases; the full profile is FUZZ_RUNS=10000.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

let sampler: SyncSampler;
let fresh: SyncSampler;
beforeAll(async () => {
  sampler = createSampler(await createSoftmax(float64Backend()));
  fresh = createSampler(await createSoftmax(float64Backend()));
});

const special = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  5e-324,
  -0,
);
const logit = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: special },
);

/** Hostile values any option may get. */
type Hostile =
  | 'throwing-getter'
  | 'changing-getter'
  | 'bigint'
  | 'symbol'
  | 'string'
  | 'nan'
  | 'negative'
  | 'huge'
  | 'revoked-proxy'
  | 'holes'
  | 'other-realm-list'
  | 'null-prototype';
const HOSTILE: readonly Hostile[] = [
  'throwing-getter',
  'changing-getter',
  'bigint',
  'symbol',
  'string',
  'nan',
  'negative',
  'huge',
  'revoked-proxy',
  'holes',
  'other-realm-list',
  'null-prototype',
];

type Container = 'array' | 'nested' | 'float32' | 'float64' | 'other-realm' | 'own-length';

interface Recipe {
  readonly values: number[];
  readonly rows: number;
  readonly container: Container;
  /** Per option: undefined (omitted), 'valid' (a valid value from the seed), or a hostile kind. */
  readonly options: Record<string, 'valid' | Hostile | undefined>;
  readonly seed: number;
  readonly sync: boolean;
}

const recipe: fc.Arbitrary<Recipe> = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    n: fc.integer({ min: 1, max: 12 }),
    container: fc.constantFrom<Container>(
      'array',
      'nested',
      'float32',
      'float64',
      'other-realm',
      'own-length',
    ),
    options: fc.record(
      Object.fromEntries(
        OPTIONS.map((spec) => [
          spec.name,
          fc.oneof(
            { weight: 6, arbitrary: fc.constant(undefined) },
            { weight: 3, arbitrary: fc.constant('valid' as const) },
            { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
          ),
        ]),
      ) as Record<string, fc.Arbitrary<'valid' | Hostile | undefined>>,
    ),
    seed: fc.integer({ min: 0, max: 2 ** 31 }),
    sync: fc.boolean(),
  })
  .chain((r) =>
    fc
      .array(logit, { minLength: r.rows * r.n, maxLength: r.rows * r.n })
      .map((values) => ({ ...r, values })),
  );

/** A valid value of an option for rows of n tokens (seeded, so a recipe is reproducible). */
function validValue(name: string, n: number, seed: number): unknown {
  const id = seed % n;
  switch (name) {
    case 'bias':
      return seed % 2 === 0
        ? new Map([[id, seed % 3 === 0 ? Number.NEGATIVE_INFINITY : 1.5]])
        : Array(n).fill(0.25);
    case 'allowed':
      return seed % 2 === 0 ? [id] : Uint8Array.from({ length: n }, (_, i) => +(i <= id));
    case 'history':
      return [id, id, (id + 1) % n];
    case 'repetitionPenalty':
      return 1.3;
    case 'presencePenalty':
      return 0.5;
    case 'frequencyPenalty':
      return -0.25;
    case 'temperature':
      return [1, 0, Number.POSITIVE_INFINITY, 0.5, 5e-324][seed % 5];
    case 'topK':
      return 1 + (seed % 4);
    case 'topP':
      return [0.9, 0.5, 1, 1e-9][seed % 4];
    case 'minP':
      return [0.05, 1, 0, 0.5][seed % 4];
    case 'seed':
      return seed;
    case 'step':
      return seed % 2 === 0 ? 2 ** 53 - 1 : seed;
    case 'draws':
      return seed % 4;
    case 'topN':
      return seed % 5;
    default:
      return true; // the flags
  }
}

function hostileValue(kind: Hostile, valid: unknown): unknown {
  switch (kind) {
    case 'bigint':
      return 3n;
    case 'symbol':
      return Symbol('x');
    case 'string':
      return '0.5';
    case 'nan':
      return Number.NaN;
    case 'negative':
      return -1;
    case 'huge':
      return 2 ** 60;
    case 'revoked-proxy': {
      const { proxy, revoke } = Proxy.revocable([1], {});
      revoke();
      return proxy;
    }
    case 'holes': {
      const holes: unknown[] = new Array(4);
      holes[1] = 1;
      holes[3] = 2;
      return holes;
    }
    case 'other-realm-list':
      return runInNewContext('[0, 1]');
    case 'null-prototype':
      return Object.create(null);
    default:
      return valid;
  }
}

function buildOptions(r: Recipe, n: number): SampleOptions {
  const options: Record<string, unknown> = {};
  for (const [name, choice] of Object.entries(r.options)) {
    if (choice === undefined) continue;
    const valid = validValue(name, n, r.seed);
    if (choice === 'throwing-getter')
      Object.defineProperty(options, name, {
        enumerable: true,
        get() {
          throw new Error('hostile getter');
        },
      });
    else if (choice === 'changing-getter') {
      let reads = 0;
      Object.defineProperty(options, name, {
        enumerable: true,
        get: () => (reads++ === 0 ? valid : Number.NaN),
      });
    } else options[name] = choice === 'valid' ? valid : hostileValue(choice, valid);
  }
  if (r.container !== 'nested' && r.rows > 1) options.shape = [r.rows, n];
  return options as SampleOptions;
}

function buildInput(r: Recipe, n: number): unknown {
  switch (r.container) {
    case 'array':
      return r.values.slice();
    case 'nested':
      return Array.from({ length: r.rows }, (_, row) => r.values.slice(row * n, row * n + n));
    case 'float32':
      return Float32Array.from(r.values);
    case 'float64':
      return Float64Array.from(r.values);
    case 'other-realm':
      return runInNewContext(
        `new Float64Array(${JSON.stringify(r.values.map(String))}.map(Number))`,
      );
    case 'own-length': {
      const array = Float64Array.from(r.values);
      Object.defineProperty(array, 'length', { value: 1 });
      return array;
    }
  }
}

/** The values of an input, read plainly (for the "unchanged" check). */
function snapshot(input: unknown): string {
  if (ArrayBuffer.isView(input))
    return JSON.stringify(
      Array.from(new Float64Array(Float64Array.from(input as unknown as ArrayLike<number>))).map(
        String,
      ),
    );
  return JSON.stringify(input, (_, v) => (typeof v === 'number' ? String(v) : v));
}

function checkResult(result: SampleResult, rows: number, n: number): void {
  expect(result.rows).toHaveLength(rows);
  for (const row of result.rows) {
    expect(row.kept).toBeGreaterThanOrEqual(1);
    expect(row.kept).toBeLessThanOrEqual(n);
    for (const token of row.tokens) {
      expect(Number.isInteger(token) && token >= 0 && token < n).toBe(true);
    }
    // log q <= 0; a rounding of a few ulps above 0 at most (one token with q = 1 - tiny).
    for (const logprob of row.logprobs) expect(logprob).toBeLessThanOrEqual(1e-12);
    if (row.q !== undefined) {
      const sum = row.q.reduce((a, b) => a + b, 0);
      // n <= 12 terms, each within a few ulps: |sum q - 1| <= n * 4 * 2^-53.
      expect(Math.abs(sum - 1)).toBeLessThanOrEqual(n * 4 * 2 ** -53);
      for (const token of row.tokens) expect(row.q[token]).toBeGreaterThan(0);
    }
  }
}

describe('sample() on hostile input: a result or a SoftmaxError, nothing modified, nothing left', () => {
  it(`holds for ${RUNS} recipes`, async () => {
    await fc.assert(
      fc.asyncProperty(recipe, async (r) => {
        const n = r.values.length / r.rows;
        const input = buildInput(r, n);
        const before = snapshot(input);
        const options = buildOptions(r, n);
        let outcome: SampleResult | SoftmaxError;
        try {
          outcome = r.sync
            ? sampler.sampleSync(input as number[], options)
            : await sampler.sample(input as number[], options);
        } catch (error) {
          expect(SoftmaxError.isInstance(error), String(error)).toBe(true);
          expect(ERROR_CODES).toContain((error as SoftmaxError).code);
          outcome = error as SoftmaxError;
        }
        expect(snapshot(input)).toBe(before);
        if (!SoftmaxError.isInstance(outcome)) checkResult(outcome, r.rows, n);
        // Nothing left behind: a plain call gives what a fresh sampler gives.
        const probe = Float64Array.from({ length: 7 }, (_, i) => Math.cos(i));
        const plain = { seed: 5, topP: 0.8, topK: 4, q: true, draws: 3 };
        expect(sampler.sampleSync(probe, plain)).toEqual(fresh.sampleSync(probe, plain));
      }),
      { numRuns: RUNS },
    );
  });
});
