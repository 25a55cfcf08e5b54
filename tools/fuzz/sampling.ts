/**
 * Fuzzing of `@softmax-kit/sampling` through its public API (issue 14), shared by the ts and
 * wasm backends' test files:
 *
 * - a differential fuzz: `sample()` / `sampleSync()` against the float64 reference sampler of
 *   the conformance package, the same `u` for each draw, every v1 parameter, rows of 1 to
 *   262,144 tokens biased toward ties and near-ties at the truncation boundaries;
 * - a hostile-input fuzz: logits and options a careless or hostile caller passes (proxies,
 *   throwing and changing getters, other realms, fake lengths, resizable buffers, cyclic and
 *   holey lists, wrong types, per-row arrays of the wrong length): SPEC's result or a
 *   `SoftmaxError`, the caller's logits unchanged, no unhandled rejection, and no state left:
 *   a canary call afterwards gives what it gives on a fresh sampler.
 *
 * Bounds: the conformance suite's `ratioBound` (q's relative error from eps and the kept
 * entries' |z|); rows and parameters are on dyadic grids so x' is exact in both dtypes and
 * the ranking is the same for the sampler and the reference. This module imports neither core
 * nor a backend: the test passes them in.
 */
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  logprobBound,
  qFloor,
  ratioBound,
} from '../../packages/conformance/src/cases/sampling-sizes.js';
import { precisionModel } from '../../packages/conformance/src/precision.js';
import {
  drawMargin,
  type ReferenceSampling,
  referenceDistribution,
  referenceEntropy,
  referenceToken,
} from '../../packages/conformance/src/sampling-reference.js';

type Dtype = 'float32' | 'float64';
type Row = {
  readonly tokens: Int32Array;
  readonly logprobs: Float64Array;
  readonly kept: number;
  readonly q?: Float64Array;
  readonly entropy?: number;
  readonly top?: { readonly tokens: Int32Array; readonly logprobs: Float64Array };
  readonly rawLogprobs?: Float64Array;
};
type Result = { readonly rows: readonly Row[]; readonly seed: unknown };
/** The sampler under test, as the fuzz sees it. */
export interface FuzzSampler {
  sample(logits: unknown, options?: unknown): Promise<Result>;
  sampleSync?(logits: unknown, options?: unknown): Result;
}

/** What a backend's test file hands over. */
export interface SamplingFuzzTarget {
  /** e.g. `'tsBackend'`. */
  readonly title: string;
  /** `createSoftmax(backend)` (a new backend object each time). */
  readonly open: () => Promise<{ dispose(): Promise<void> }>;
  /** `createSampler` of `@softmax-kit/sampling`. */
  readonly createSampler: (softmax: never) => FuzzSampler;
  /** `uniformAt` of `@softmax-kit/sampling` (checked against published vectors on its own). */
  readonly uniformAt: (seed: number, row: number, step: number) => number;
  /** `SoftmaxError.isInstance` of the core under test. */
  readonly isSoftmaxError: (error: unknown) => boolean;
  /** The backend's declared compute precision per dtype. */
  readonly computePrecision: { readonly float32: Dtype; readonly float64: Dtype };
}

const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;

// ---------------------------------------------------------------------------------------------
// Differential fuzz

/** A row as a plain-data recipe (printable, shrinkable); the values come from `build`. */
interface RowRecipe {
  readonly n: number;
  readonly seed: number;
  /** Tokens in the tied (or near-tied, 1 float32 ulp apart) block, where the cuts fall. */
  readonly block: number;
  readonly near: boolean;
  readonly masked: number;
  readonly infinities: number;
}

interface CallRecipe {
  readonly row: RowRecipe;
  readonly rows: number;
  readonly dtype: Dtype;
  readonly sync: boolean;
  readonly temperature: number;
  /** topK as an offset into the block (the cut inside the ties), or absent. */
  readonly topK: number | null;
  readonly topP: number | null;
  readonly minP: number | null;
  readonly bias: 'none' | 'dense' | 'map';
  readonly allowed: 'none' | 'list' | 'mask';
  readonly penalties: readonly [repetition: number, presence: number, frequency: number] | null;
  readonly draws: number;
  readonly step: number;
  readonly seed: number;
  readonly topN: number;
  readonly outputs: boolean;
}

/** Mulberry32: the row values from the recipe's seed. */
function stream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEAD = [3, 2.5, 2];
const ULP = 2 ** -23;

/** The row: a tail on a 2^-16 grid in [-24, -4], a head, a block at 1 (all exact in float32). */
function build(recipe: RowRecipe): Float64Array {
  const random = stream(recipe.seed);
  const { n } = recipe;
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++)
    row[i] = random() < recipe.masked ? NEG : Math.round((-24 + 20 * random()) * 2 ** 16) / 2 ** 16;
  const special = Math.min(n, HEAD.length + recipe.block);
  for (let k = 0; k < special; k++) {
    const at = Math.floor(random() * n);
    row[at] = k < HEAD.length ? HEAD[k]! : recipe.near ? 1 + ((k * 7) % 64) * ULP : 1;
  }
  for (let k = 0; k < recipe.infinities; k++) row[Math.floor(random() * n)] = POS;
  if (!row.some((v) => v > NEG)) row[0] = 0;
  return row;
}

const sizeArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 64 }) },
  { weight: 4, arbitrary: fc.integer({ min: 65, max: 5000 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      511,
      512,
      513,
      600,
      1024,
      1025,
      4096,
      4097,
      8193,
      32_768,
      65_535,
      65_536,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(65_537, 131_072, 262_144) },
);

const rowArb: fc.Arbitrary<RowRecipe> = fc.record({
  n: sizeArb,
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  // Blocks around the 512 tokens a sampler may sort whole, and far above it.
  block: fc.oneof(
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom(300, 509, 510, 511, 512, 513, 1200, 3000) },
  ),
  near: fc.boolean(),
  masked: fc.constantFrom(0, 0, 0.1, 0.5, 0.95),
  infinities: fc.constantFrom(0, 0, 0, 0, 1, 2),
});

const callArb: fc.Arbitrary<CallRecipe> = fc.record({
  row: rowArb,
  rows: fc.constantFrom(1, 1, 1, 2, 3),
  dtype: fc.constantFrom<Dtype>('float32', 'float64'),
  sync: fc.boolean(),
  temperature: fc.constantFrom(1, 1, 0.7, 1.5, 0.25, 0, POS),
  // Each truncation on or off with even odds (fast-check's default: off 1 time in 5), so
  // every combination, each alone included, comes up.
  // topK as an offset into the block: its first tokens, its middle, past its end.
  topK: fc.option(fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 0, max: 3100 })), {
    nil: null,
    freq: 2,
  }),
  // topP and minP near the block's boundaries too: minP e^-2 is the block at T = 1.
  topP: fc.option(fc.oneof(fc.double({ min: 0.001, max: 1, noNaN: true }), fc.constant(1)), {
    nil: null,
    freq: 2,
  }),
  minP: fc.option(
    fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(Math.exp(-2 - 2 ** -20), Math.exp(-2 + 2 ** -20 + ULP / 2), 1, 0),
    ),
    { nil: null, freq: 2 },
  ),
  bias: fc.constantFrom('none', 'none', 'dense', 'map'),
  allowed: fc.constantFrom('none', 'none', 'list', 'mask'),
  penalties: fc.option(
    fc.tuple(fc.constantFrom(0.5, 1, 2, 4), fc.constantFrom(0, 0.25, 1), fc.constantFrom(0, 0.5)),
    { nil: null },
  ),
  // One to four draws (a sampler may scan for those), none, and more.
  draws: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 5, 6, 64) },
  ),
  step: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(2 ** 53 - 65)),
  seed: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.constant(-1), fc.constant(2 ** 53 - 1)),
  topN: fc.constantFrom(0, 0, 1, 3, 600),
  outputs: fc.boolean(),
});

/** The call's parameters for row `r` (each row gets its own small variation). */
function rowParams(recipe: CallRecipe, row: Float64Array, r: number): ReferenceSampling {
  const n = row.length;
  const random = stream(recipe.row.seed + 17 * r);
  const params: {
    -readonly [K in keyof ReferenceSampling]: ReferenceSampling[K];
  } = { temperature: recipe.temperature };
  if (recipe.topK !== null) params.topK = Math.max(1, HEAD.length + recipe.topK + r);
  if (recipe.topP !== null) params.topP = recipe.topP;
  if (recipe.minP !== null) params.minP = recipe.minP;
  if (recipe.bias !== 'none') {
    const bias = new Array<number>(n).fill(0);
    for (let k = 0; k < Math.min(n, 8); k++) {
      const at = Math.floor(random() * n);
      bias[at] = random() < 0.25 ? NEG : Math.round(8 * random() - 4);
    }
    params.bias = bias;
  }
  if (recipe.allowed !== 'none') {
    const allowed: number[] = [];
    for (let i = 0; i < n; i++) if (random() < 0.7 || row[i]! > 0) allowed.push(i);
    params.allowed = allowed;
  }
  if (recipe.penalties !== null) {
    const history = Array.from({ length: Math.min(2 * n, 12) }, () => Math.floor(random() * n));
    params.history = history;
    [params.repetitionPenalty, params.presencePenalty, params.frequencyPenalty] = recipe.penalties;
  }
  return params;
}

/** The sampler's options for the whole call (per-row arrays where rows differ). */
function callOptions(recipe: CallRecipe, params: readonly ReferenceSampling[], n: number) {
  const rows = params.length;
  const perRow = <T>(pick: (p: ReferenceSampling) => T | undefined): T | T[] | undefined => {
    const values = params.map(pick);
    if (values.every((v) => v === undefined)) return undefined;
    return rows === 1 ? values[0] : (values as T[]);
  };
  const bias = perRow((p) => p.bias);
  const asMap = (dense: readonly number[]) =>
    new Map(dense.flatMap((v, i) => (v === 0 ? [] : [[i, v] as const])));
  const allowed = perRow((p) => p.allowed);
  const asMask = (list: readonly number[]) => {
    const mask = new Uint8Array(n);
    for (const id of list) mask[id] = 1;
    return mask;
  };
  return {
    shape: [rows, n] as const,
    temperature: recipe.temperature,
    ...(params[0]!.topK === undefined ? {} : { topK: perRow((p) => p.topK) }),
    ...(recipe.topP === null ? {} : { topP: recipe.topP }),
    ...(recipe.minP === null ? {} : { minP: recipe.minP }),
    ...(bias === undefined
      ? {}
      : {
          bias:
            recipe.bias === 'map'
              ? rows === 1
                ? asMap(bias as number[])
                : (bias as number[][]).map(asMap)
              : bias,
        }),
    ...(allowed === undefined
      ? {}
      : {
          allowed:
            recipe.allowed === 'mask'
              ? rows === 1
                ? asMask(allowed as number[])
                : (allowed as number[][]).map(asMask)
              : allowed,
        }),
    ...(recipe.penalties === null
      ? {}
      : {
          history: perRow((p) => p.history),
          repetitionPenalty: recipe.penalties[0],
          presencePenalty: recipe.penalties[1],
          frequencyPenalty: recipe.penalties[2],
        }),
    seed: recipe.seed === -1 ? params.map((_, r) => 1000 + r) : recipe.seed,
    draws: recipe.draws,
    step: recipe.step,
    ...(recipe.topN > 0 ? { topN: recipe.topN } : {}),
    ...(recipe.outputs ? { q: true, entropy: true, rawLogprobs: true } : {}),
  };
}

class Mismatch extends Error {}
const fail = (message: string): never => {
  throw new Mismatch(message);
};

/** Compares one call with the reference; throws a Mismatch naming what differs. */
async function differential(
  target: SamplingFuzzTarget,
  sampler: FuzzSampler,
  recipe: CallRecipe,
): Promise<void> {
  const base = build(recipe.row);
  const n = base.length;
  const rows = Array.from({ length: recipe.rows }, (_, r) => {
    const row = Float64Array.from(base);
    if (r > 0) row[(r * 7919) % n] = 2.75; // rows differ a little
    return recipe.dtype === 'float32' ? Float64Array.from(Float32Array.from(row)) : row;
  });
  const params = rows.map((row, r) => rowParams(recipe, row, r));
  const references = rows.map((row, r) => {
    try {
      return referenceDistribution(row, params[r]!);
    } catch {
      return null; // every token masked: SPEC's ALL_MASKED
    }
  });
  const input = new (recipe.dtype === 'float32' ? Float32Array : Float64Array)(recipe.rows * n);
  rows.forEach((row, r) => {
    input.set(row, r * n);
  });
  const before = Float64Array.from(input);
  const options = callOptions(recipe, params, n);
  let result: Result | null = null;
  let error: unknown = null;
  try {
    result =
      recipe.sync && sampler.sampleSync
        ? sampler.sampleSync(input, options)
        : await sampler.sample(input, options);
  } catch (caught) {
    error = caught;
  }
  for (let i = 0; i < input.length; i++)
    if (!Object.is(input[i], before[i])) fail(`the input changed at ${i}`);
  const masked = references.indexOf(null);
  if (masked >= 0) {
    if (!target.isSoftmaxError(error) || (error as { code: string }).code !== 'ALL_MASKED')
      fail(`row ${masked} is all masked: expected ALL_MASKED, got ${String(error ?? 'a result')}`);
    return;
  }
  if (error !== null) fail(`threw ${String(error)}`);
  const model = precisionModel(
    { computePrecision: target.computePrecision } as never,
    recipe.dtype,
  );
  for (let r = 0; r < recipe.rows; r++) {
    const reference = references[r]!;
    const got = result!.rows[r]!;
    const p = params[r]!;
    const rho = ratioBound(reference, p.temperature ?? 1, model);
    const floor = qFloor(reference, model);
    if (reference.topPMargin <= rho) continue; // the kept set may fairly differ
    if (got.kept !== reference.ranked.length)
      fail(`row ${r}: kept ${got.kept}, SPEC keeps ${reference.ranked.length}`);
    if (got.tokens.length !== recipe.draws) fail(`row ${r}: ${got.tokens.length} tokens`);
    const seed = typeof options.seed === 'number' ? options.seed : options.seed[r]!;
    const streamRow = typeof options.seed === 'number' ? r : 0;
    for (let k = 0; k < recipe.draws; k++) {
      const u = target.uniformAt(seed, streamRow, recipe.step + k);
      const token = got.tokens[k]!;
      if (drawMargin(reference, u) <= rho * reference.total) {
        if (!(reference.q[token]! > 0)) fail(`row ${r} draw ${k}: token ${token} is not kept`);
        continue;
      }
      const expected = referenceToken(reference, u);
      if (token !== expected)
        fail(`row ${r} draw ${k} (u = ${u}): token ${token}, the reference draws ${expected}`);
      const logq = Math.log(reference.q[token]!);
      if (!(Math.abs(got.logprobs[k]! - logq) <= logprobBound(rho, floor, reference.q[token]!)))
        fail(`row ${r} draw ${k}: logprob ${got.logprobs[k]}, reference ${logq}`);
    }
    if (recipe.outputs) {
      const q = got.q ?? fail(`row ${r}: q missing`);
      for (let i = 0; i < n; i++)
        if (!(Math.abs(q[i]! - reference.q[i]!) <= rho * reference.q[i]! + floor))
          fail(`row ${r}: q[${i}] = ${q[i]}, reference ${reference.q[i]}`);
      const entropy = referenceEntropy(reference);
      const bound =
        (rho / (1 - rho) + (2 * n + 2) * 2 ** -52) * (entropy + 1) +
        reference.ranked.length * floor * (1 + Math.abs(Math.log(floor)));
      if (!(Math.abs((got.entropy ?? Number.NaN) - entropy) <= bound))
        fail(`row ${r}: entropy ${got.entropy}, reference ${entropy}`);
    }
    if (recipe.topN > 0) {
      const expected = reference.ranked.slice(0, recipe.topN).join();
      const tokens = [...(got.top?.tokens ?? [])].join();
      if (tokens !== expected) fail(`row ${r}: top ${recipe.topN} [${tokens.slice(0, 80)}]`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs

/** How the logits reach the call. */
const CONTAINERS = [
  'array',
  'nested',
  'float32',
  'float64',
  'subarray',
  'other-realm',
  'proxy',
  'own-length',
  'resizable',
  'holey',
  'cyclic',
  'string',
  'bigint',
  'object',
] as const;
type ContainerKind = (typeof CONTAINERS)[number];

/** What is wrong with the options. */
const OPTION_ATTACKS = [
  'none',
  'throwing-getter',
  'changing-getter',
  'proxy',
  'null-prototype',
  'wrong-type',
  'nan',
  'negative',
  'huge',
  'per-row-length',
  'bigint',
  'other-realm-list',
  'cyclic-list',
  'holey-list',
  'changing-list-element',
  'map-bad-key',
  'after-promise',
] as const;
type OptionAttack = (typeof OPTION_ATTACKS)[number];

const OPTION_NAMES = [
  'temperature',
  'topK',
  'topP',
  'minP',
  'bias',
  'allowed',
  'history',
  'repetitionPenalty',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'step',
  'draws',
  'topN',
  'entropy',
  'rawLogprobs',
  'q',
  'shape',
] as const;

interface HostileRecipe {
  readonly values: readonly number[];
  readonly container: ContainerKind;
  readonly attack: OptionAttack;
  readonly option: (typeof OPTION_NAMES)[number];
  readonly sync: boolean;
  readonly withRaw: boolean;
}

const hostileArb: fc.Arbitrary<HostileRecipe> = fc.record({
  values: fc.array(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: -8, max: 8 }).map((v) => v / 4) },
      { weight: 1, arbitrary: fc.constantFrom(NEG, POS, Number.NaN, 1e308, -1e308) },
    ),
    { minLength: 0, maxLength: 12 },
  ),
  container: fc.constantFrom(...CONTAINERS),
  attack: fc.constantFrom(...OPTION_ATTACKS),
  option: fc.constantFrom(...OPTION_NAMES),
  sync: fc.boolean(),
  withRaw: fc.boolean(),
});

/** The value an attack puts in the option (a list option gets a list attack). */
function attackValue(attack: OptionAttack, option: string, n: number): unknown {
  const list = ['bias', 'allowed', 'history'].includes(option);
  switch (attack) {
    case 'wrong-type':
      return list ? 'abc' : option === 'shape' ? '1,2' : '1';
    case 'nan':
      return list ? [Number.NaN] : Number.NaN;
    case 'negative':
      return list ? [-1] : -1;
    case 'huge':
      return list ? new Array(n + 5).fill(0) : 2 ** 60;
    case 'per-row-length':
      return [1, 2, 3];
    case 'bigint':
      return list ? [1n] : 1n;
    case 'other-realm-list':
      return runInNewContext(
        option === 'bias'
          ? `new Map([[0, 1]])`
          : option === 'allowed'
            ? '[0]'
            : 'new Float64Array([0.5])',
      );
    case 'cyclic-list': {
      const cyclic: unknown[] = [0];
      cyclic.push(cyclic);
      return cyclic;
    }
    case 'holey-list':
      // biome-ignore lint/suspicious/noSparseArray: a hole is the point
      return [0, , 0];
    case 'changing-list-element': {
      const array = [0, 0];
      let reads = 0;
      Object.defineProperty(array, 0, { get: () => (reads++ % 2 === 0 ? 0 : n + 3) });
      return array;
    }
    case 'map-bad-key':
      return new Map<unknown, unknown>([
        ['0', 1],
        [n + 1, 2],
      ]);
    default:
      return undefined;
  }
}

/** Builds the logits container; `owner` is what the caller holds (checked unchanged). */
function container(
  kind: ContainerKind,
  values: readonly number[],
): { input: unknown; snapshot: () => unknown } {
  const copy = () => [...values];
  switch (kind) {
    case 'array': {
      const input = copy();
      return { input, snapshot: () => [...input] };
    }
    case 'nested': {
      const input = [copy(), copy()];
      return { input, snapshot: () => input.map((row) => [...row]) };
    }
    case 'float32':
    case 'float64': {
      const input = kind === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
      return { input, snapshot: () => Array.from(input) };
    }
    case 'subarray': {
      const whole = Float64Array.from([7, ...values, 7]);
      return { input: whole.subarray(1, 1 + values.length), snapshot: () => Array.from(whole) };
    }
    case 'other-realm': {
      const input = runInNewContext('new Float64Array(values)', { values: copy() }) as Float64Array;
      return { input, snapshot: () => Array.from(input) };
    }
    case 'proxy': {
      const target = copy();
      let reads = 0;
      const input = new Proxy(target, {
        get(t, key, receiver) {
          // Index reads change after a few: a NaN may appear late.
          if (typeof key === 'string' && /^\d+$/.test(key) && reads++ > values.length)
            return Number.NaN;
          return Reflect.get(t, key, receiver);
        },
      });
      return { input, snapshot: () => [...target] };
    }
    case 'own-length': {
      const input = Float64Array.from(values);
      Object.defineProperty(input, 'length', { value: Math.max(0, values.length - 2) });
      return { input, snapshot: () => Array.from(new Float64Array(input.buffer)) };
    }
    case 'resizable': {
      const Resizable = ArrayBuffer as unknown as new (
        length: number,
        options: { maxByteLength: number },
      ) => ArrayBuffer;
      const buffer = new Resizable(8 * values.length, { maxByteLength: 8 * (values.length + 4) });
      const input = new Float64Array(buffer);
      input.set(values);
      return { input, snapshot: () => Array.from(input) };
    }
    case 'holey': {
      const input = copy();
      if (input.length > 1) delete input[1];
      return { input, snapshot: () => [...input] };
    }
    case 'cyclic': {
      const input: unknown[] = copy();
      input.push(input);
      return { input, snapshot: () => input.length };
    }
    case 'string':
      return { input: values.join(','), snapshot: () => 0 };
    case 'bigint':
      return { input: values.map((v) => (Number.isInteger(v) ? BigInt(v) : v)), snapshot: () => 0 };
    default:
      return { input: { length: values.length, 0: 1 }, snapshot: () => 0 };
  }
}

function hostileOptions(
  recipe: HostileRecipe,
  n: number,
): { options: unknown; afterCall: () => void } {
  const base: Record<string, unknown> = {
    seed: 3,
    draws: 3,
    topK: 2,
    q: true,
    ...(recipe.withRaw ? { rawLogprobs: true } : {}),
  };
  const { attack, option } = recipe;
  let afterCall = () => {};
  switch (attack) {
    case 'none':
      break;
    case 'throwing-getter':
      Object.defineProperty(base, option, {
        enumerable: true,
        get: () => {
          throw new Error('a getter throws');
        },
      });
      break;
    case 'changing-getter': {
      let reads = 0;
      const first = option === 'bias' ? [NEG, ...new Array(Math.max(0, n - 1)).fill(5)] : 1;
      Object.defineProperty(base, option, {
        enumerable: true,
        get: () => (reads++ === 0 ? first : option === 'shape' ? [1, 1] : undefined),
      });
      break;
    }
    case 'proxy':
      return {
        options: new Proxy(base, {
          get(t, key, receiver) {
            if (key === option) return Number.NaN;
            return Reflect.get(t, key, receiver);
          },
          ownKeys: () => {
            throw new Error('ownKeys refused');
          },
        }),
        afterCall,
      };
    case 'null-prototype':
      return { options: Object.assign(Object.create(null), base), afterCall };
    case 'after-promise':
      afterCall = () => {
        base.topK = 0;
        base.seed = Number.NaN;
        base.q = false;
      };
      break;
    default:
      base[option] = attackValue(attack, option, n);
  }
  return { options: base, afterCall };
}

/** Containers SPEC defines a result for (other realms included): checked against the reference. */
const SPEC_CONTAINERS = new Set<ContainerKind>([
  'array',
  'nested',
  'float32',
  'float64',
  'subarray',
  'other-realm',
]);

/** With nothing hostile in the options, SPEC's result: the reference's tokens, or its error. */
function expectSpec(target: SamplingFuzzTarget, recipe: HostileRecipe, result: Result | null) {
  const values =
    recipe.container === 'float32' ? Array.from(Float32Array.from(recipe.values)) : recipe.values;
  const rows = recipe.container === 'nested' ? 2 : 1;
  if (values.length === 0 || values.some(Number.isNaN) || values.every((v) => v === NEG)) {
    if (result !== null) fail(`SPEC rejects ${JSON.stringify(values.map(String))}, got a result`);
    return;
  }
  if (result === null) fail(`SPEC samples ${JSON.stringify(values.map(String))}, got an error`);
  const reference = referenceDistribution(values, { topK: 2 });
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < 3; k++) {
      const u = target.uniformAt(3, r, k);
      if (drawMargin(reference, u) <= 2 ** -30) continue;
      const token = result!.rows[r]!.tokens[k];
      if (token !== referenceToken(reference, u))
        fail(
          `row ${r} draw ${k}: token ${token}, the reference draws ${referenceToken(reference, u)}`,
        );
    }
}

/** One hostile call: a SoftmaxError or a plausible result; logits unchanged; no state left. */
async function hostile(
  target: SamplingFuzzTarget,
  sampler: FuzzSampler,
  fresh: FuzzSampler,
  recipe: HostileRecipe,
): Promise<void> {
  const { input, snapshot } = container(recipe.container, recipe.values);
  const before = JSON.stringify(snapshot(), (_, v) => (typeof v === 'number' ? String(v) : v));
  const { options, afterCall } = hostileOptions(recipe, recipe.values.length);
  let result: Result | null = null;
  try {
    if (recipe.sync && sampler.sampleSync) result = sampler.sampleSync(input, options);
    else {
      const pending = sampler.sample(input, options);
      afterCall();
      result = await pending;
    }
  } catch (error) {
    if (!target.isSoftmaxError(error)) fail(`threw a non-SoftmaxError: ${String(error)}`);
    if (typeof (error as { code?: unknown }).code !== 'string')
      fail('a SoftmaxError without a code');
  }
  const after = JSON.stringify(snapshot(), (_, v) => (typeof v === 'number' ? String(v) : v));
  if (after !== before) fail(`the caller's logits changed: ${before} -> ${after}`);
  if (recipe.attack === 'none' && SPEC_CONTAINERS.has(recipe.container))
    expectSpec(target, recipe, result);
  // A typed array with its own `length`: its entries are its typed-array contents, all of them
  // (as core reads them), or the call is refused; never what an earlier call left in a scratch.
  if (recipe.attack === 'none' && recipe.container === 'own-length' && result !== null)
    expectSpec(target, recipe, result);
  if (result !== null)
    for (const row of result.rows) {
      for (const token of row.tokens)
        if (!(Number.isInteger(token) && token >= 0)) fail(`token ${token}`);
      for (const logprob of row.logprobs) if (!(logprob <= 0)) fail(`logprob ${logprob}`);
      if (!(row.kept >= 1)) fail(`kept ${row.kept}`);
    }
  // No state: a canary call gives what a fresh sampler gives.
  const canary = (s: FuzzSampler) =>
    s.sample(Float64Array.of(0.5, 2, 1, 2, -1), {
      seed: 11,
      draws: 6,
      topK: 3,
      q: true,
      history: [1, 3, 3],
      presencePenalty: 0.5,
      allowed: [0, 1, 3, 4],
    });
  const expected = JSON.stringify(await canary(fresh), (_, v) =>
    ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
  );
  const got = JSON.stringify(await canary(sampler), (_, v) =>
    ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
  );
  if (got !== expected)
    fail('the call left state behind: a later call differs from a fresh sampler');
}

/** Registers the differential and the hostile-input fuzz of the sampler for one backend. */
export function describeSamplingFuzz(
  target: SamplingFuzzTarget,
  runs: { readonly differential: number; readonly hostile: number } = {
    differential: 150,
    hostile: 10_000,
  },
): void {
  describe(`sampling fuzz on ${target.title}`, () => {
    let softmax: { dispose(): Promise<void> };
    let other: { dispose(): Promise<void> };
    let sampler: FuzzSampler;
    let fresh: FuzzSampler;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeAll(async () => {
      softmax = await target.open();
      other = await target.open();
      sampler = target.createSampler(softmax as never);
      process.on('unhandledRejection', onUnhandled);
    });
    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      await softmax.dispose();
      await other.dispose();
    });

    it(`sample() and sampleSync() equal the float64 reference for the same u (${runs.differential} calls, n up to 262,144)`, async () => {
      await fc.assert(
        fc.asyncProperty(callArb, (recipe) => differential(target, sampler, recipe)),
        { seed: 20_261_207, numRuns: runs.differential, endOnFailure: true },
      );
    });

    it(`hostile logits and options give SPEC's result or a SoftmaxError, nothing changed, nothing left behind (${runs.hostile} calls)`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileArb, async (recipe) => {
          // A fresh sampler per call for the canary's expectation (its own instance).
          fresh = target.createSampler(other as never);
          await hostile(target, sampler, fresh, recipe);
        }),
        { seed: 20_261_208, numRuns: runs.hostile, endOnFailure: true },
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (unhandled.length > 0)
        throw new Error(
          `${unhandled.length} unhandled rejections, the first: ${String(unhandled[0])}`,
        );
    });
  });
}
