/**
 * The sampling group at the sizes users run: rows of 32k to 256k tokens (and the split points
 * of the sampler's paths: 1,024/1,025 and 4,096/4,097 entries, 64k, a row of 601 from the
 * issue), with exact ties and near-ties (1 float32 ulp apart) at every truncation boundary
 * (top-k, top-p, min-p), every draw count (1, 4, 5: a sampler may scan for a few draws and
 * search stored sums for more), the whole row kept, `-Infinity` masks, `+Infinity` logits,
 * `T = Infinity`, and a batch of 64 rows (128 in the full profile) with per-row parameters.
 *
 * Every row is compared with the float64 reference (`sampling-reference.ts`), the same `u` for
 * each draw: the kept count exactly, each token exactly except where `u S` lies within the
 * bound of a cumulative boundary (counted), the log-probabilities, `q`, the entropy, the top-N
 * list and the raw log-probabilities within bounds derived from eps and n (see
 * {@link ratioBound}).
 *
 * Profiles: `'fast'` (what CI runs on every backend) and `'full'`, see {@link SIZE_PROFILES}.
 */
import type { Dtype } from '@softmax-kit/core';
import { type SampledRow, type SampleOptions, uniformAt } from '@softmax-kit/sampling';
import type { CaseContext, ConformanceCase, Tracker } from '../case.js';
import type { PrecisionModel } from '../precision.js';
import type { Profile } from '../profile.js';
import { createRng, type Rng, seedFor } from '../rng.js';
import {
  drawMargin,
  type ReferenceDistribution,
  type ReferenceSampling,
  referenceDistribution,
  referenceEntropy,
  referenceRawLogprobs,
  referenceToken,
} from '../sampling-reference.js';
import { backendIndependent, perRun } from '../shared-values.js';
import { type SamplerFactory, samplingCase } from './sampling-case.js';

/**
 * What each run profile (`fast` in CI on every backend, `full` on request; see `PROFILES`) runs in
 * the sampling group (written into the case titles, so reports say it).
 */
export const SIZE_PROFILES: {
  readonly [P in Profile]: {
    /** Row lengths of the boundary cases. */
    readonly sizes: readonly number[];
    /** Copies of each row in one call (each copy draws its own u: row index). */
    readonly copies: number;
    /** Scenarios per family and tie kind on rows longer than 64k (the others run them all). */
    readonly largeScenarios: number;
    /** Rows x length of the batch case. */
    readonly batch: readonly [number, number];
  };
} = {
  fast: { sizes: [601, 1025, 32_768, 262_144], copies: 2, largeScenarios: 1, batch: [64, 32_768] },
  full: {
    sizes: [601, 1024, 1025, 4096, 4097, 32_768, 65_535, 65_536, 131_072, 262_144],
    copies: 6,
    largeScenarios: 8,
    batch: [128, 32_768],
  },
};

/** Draw counts of the boundary cases: one, a few (<= 4), more than four. */
export const DRAW_COUNTS = [1, 4, 5] as const;

const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;
const EPS64 = 2 ** -53;
/** One float32 ulp in [1, 2): the near-tie step. */
const ULP = 2 ** -23;

/** `gamma_k = k u / (1 - k u)` (Higham, eq. 3.8). */
const gamma = (k: number, u: number) => (k * u < 1 ? (k * u) / (1 - k * u) : POS);

/**
 * The bound on q's relative error, from SPEC's error model of a kernel (`bounds.ts`): each
 * `p_i` is `c * ref_i * e^{theta_i}` with one factor `c` for the row (the normaliser, whose
 * summation error `gamma_{n-1}` is common to every entry and cancels in `q = p / S`) and
 * `|theta_i| <= R_i = Delta_i + ln(1 + 4 eps) (exp) + ln(1 + 2 eps) (division) + ln(1 + eps_out)`,
 * `Delta_i = |z_i| (4 eps + rho_T) / (1 - 4 eps - rho_T)` (+ the exact float64 -> float32
 * conversion error of `x_i - m`, over T, on narrowing backends). So every kept `q_i`, every
 * partial sum `C_i / S` and `S` lie within a factor `e^{+-2R}` of the reference, R the largest
 * R_i over the kept tokens; the float64 sums of the sampler and the reference (any order, up to
 * n terms) add `gamma_n(2^-53)` each: `rho = expm1(2R + 4 gamma_n(2^-53))`.
 */
export function ratioBound(
  distribution: ReferenceDistribution,
  temperature: number,
  model: PrecisionModel,
): number {
  const { eps, epsOut } = model;
  const x = distribution.processed;
  const n = x.length;
  const fixed = Math.log1p(4 * eps) + Math.log1p(2 * eps) + Math.log1p(epsOut);
  const sums = 4 * gamma(n, EPS64);
  if (temperature === 0) return 0;
  const m = x[distribution.ranked[0]!]!;
  if (temperature === POS || m === POS) return Math.expm1(2 * fixed + sums);
  const rhoT = Math.abs(model.round(temperature) - temperature) / temperature;
  const a = (4 * eps + rhoT) / (1 - 4 * eps - rhoT);
  let largest = 0;
  for (const i of distribution.ranked) {
    const d = x[i]! - m;
    const conversion = model.narrowing ? Math.abs(model.round(d) - d) / temperature : 0;
    largest = Math.max(largest, (Math.abs(d) / temperature) * a + conversion);
  }
  return Math.expm1(2 * (largest + fixed) + sums);
}

/**
 * The absolute floor of q where p underflows (float32 at low T): each p_i may be off by
 * `2 minNormal_c + minNormal_out` absolute (the suite's underflow floor, `bounds.ts`), so q_i by
 * that over the kept mass, times `1 + rho` for the mass's own error (taken <= 2).
 */
export function qFloor(distribution: ReferenceDistribution, model: PrecisionModel): number {
  let mass = 0;
  for (const i of distribution.ranked) mass += distribution.p[i]!;
  return (2 * (2 * model.minNormalCompute + model.minNormalOut + 2 ** -1074)) / mass;
}

/** The bound on `|log q - log q_ref|` for one token: relative error rho, floor, float64 log. */
export function logprobBound(rho: number, floor: number, qReference: number): number {
  const relative = rho + floor / qReference;
  return relative < 1 ? -Math.log1p(-relative) + 2 * EPS64 * Math.abs(Math.log(qReference)) : POS;
}

/** A row and its parameters; `label` names it in failures. */
export interface SizedScenario {
  readonly label: string;
  readonly row: Float64Array;
  readonly params: ReferenceSampling & { readonly topN?: number };
  /** Ask for q, entropy, topN and rawLogprobs (else tokens, logprobs and kept only). */
  readonly outputs: boolean;
}

/** Rounds onto a grid of 2^-bits (exact in float32 for |v| < 2^(23 - bits)). */
const grid = (value: number, bits: number) => Math.round(value * 2 ** bits) / 2 ** bits;

/** `count` distinct positions of [0, n), random, sorted. */
function positions(rng: Rng, n: number, count: number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(0, n - 1));
  return [...chosen].sort((a, b) => a - b);
}

/**
 * A row of `n` logits: a low tail (values in [-30, -4] on a 2^-16 grid, `masked` of them
 * `-Infinity`), a head of distinct larger values and a block of `block` tokens around `level`
 * (exact ties, or near-ties 1 float32 ulp apart), all exact in float32, at random positions
 * (so a sampled threshold may miss them) or at the row's end.
 */
function buildRow(
  rng: Rng,
  n: number,
  shape: {
    readonly head: readonly number[];
    readonly block: number;
    readonly level: number;
    readonly near: boolean;
    readonly masked?: number;
    readonly atEnd?: boolean;
  },
): Float64Array {
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++)
    row[i] = rng.next() < (shape.masked ?? 0) ? NEG : grid(-17 + 3 * rng.normal(), 16);
  for (let i = 0; i < n; i++) row[i] = Math.min(-4, Math.max(-30, row[i]!));
  const count = Math.min(n, shape.head.length + shape.block);
  const at = shape.atEnd
    ? Array.from({ length: count }, (_, k) => n - count + k)
    : positions(rng, n, count);
  // Shuffle which chosen position gets which value, so the ranking is not the index order.
  for (let k = at.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [at[k], at[j]] = [at[j]!, at[k]!];
  }
  shape.head.forEach((value, k) => {
    row[at[k]!] = value;
  });
  for (let k = 0; k < count - shape.head.length; k++)
    row[at[shape.head.length + k]!] = shape.near ? shape.level + (k % 64) * ULP : shape.level;
  return row;
}

/** The truncation families, each with its boundary placed on ties and near-ties. */
type Family = 'top-k' | 'top-p' | 'min-p' | 'whole-row' | 'combined';
const FAMILIES: readonly Family[] = ['top-k', 'top-p', 'min-p', 'whole-row', 'combined'];

/** The scenarios of one family at one size (the issue's rows at n = 601). */
function scenarios(family: Family, n: number, rng: Rng): SizedScenario[] {
  const list: SizedScenario[] = [];
  const add = (label: string, row: Float64Array, params: SizedScenario['params']) =>
    list.push({ label: `${family} n=${n} ${label}`, row, params, outputs: list.length % 2 === 0 });
  const head = [3, 2.5, 2, 1.75];
  const big = Math.min(n - head.length, 1200); // more than 512 tokens in the boundary's bin
  const small = Math.min(n - head.length, 300);
  for (const near of [false, true]) {
    const tie = near ? 'near-ties' : 'ties';
    const blockRow = (block: number, extra: Partial<Parameters<typeof buildRow>[2]> = {}) =>
      buildRow(rng, n, { head, block, level: 1, near, ...extra });
    if (family === 'top-k') {
      if (n === 601 && !near) {
        add('[5, 1 x 600] topK 3 (issue 14)', Float64Array.from([5, ...Array(600).fill(1)]), {
          topK: 3,
        });
        add(
          'x_i = -log(1 + i) topK 512 (issue 14)',
          Float64Array.from({ length: 600 }, (_, i) => Math.fround(-Math.log(1 + i))),
          { topK: 512 },
        );
      }
      add(`${big} ${tie} at the cut, topK inside`, blockRow(big), {
        topK: head.length + Math.floor(big / 2),
        topN: 5,
      });
      add(`${small} ${tie} at the cut, topK inside, T 0.7`, blockRow(small), {
        topK: head.length + Math.floor(small / 3),
        temperature: 0.7,
        topN: 3,
      });
      add(`${big} ${tie} at the end of the row, topK = head + 1`, blockRow(big, { atEnd: true }), {
        topK: head.length + 1,
      });
      add(
        `${tie}, topK beyond the allowed tokens (half masked)`,
        blockRow(small, { masked: 0.5 }),
        {
          topK: n,
        },
      );
    } else if (family === 'top-p') {
      // Head mass e^3 + ... ~ 44, block e^1 each: the cut falls inside the block; topP sits
      // half a block step from the nearest renormalised cumulative value.
      const row = blockRow(big);
      let z = 0;
      for (const v of row) z += Math.exp(v - 3); // the row max is the head's 3
      const step = Math.exp(1 - 3) / z;
      const headMass = head.reduce((sum, v) => sum + Math.exp(v - 3), 0) / z;
      const topP = headMass + (Math.floor(big / 2) + 0.5) * step;
      add(`${big} ${tie}, topP inside the block`, row, { topP, topN: 5 });
      add(`${small} ${tie}, topP inside the block, T 1.5`, blockRow(small), {
        topP: 0.9,
        temperature: 1.5,
      });
      add(`${small} ${tie}, T = Infinity (uniform), topP 0.37`, blockRow(small, { masked: 0.9 }), {
        topP: 0.37,
        temperature: POS,
      });
      add(`${tie}, tiny topP keeps the first token`, blockRow(big, { atEnd: true }), {
        topP: 1e-9,
      });
      if (!near) {
        // A flat row (the bench's): top-p keeps a seventh of it, so a sampler that lists its
        // kept tokens lists thousands, and one that splits the row splits it in the middle.
        const flat = Float64Array.from({ length: n }, () => grid(rng.next() * 16 - 8, 16));
        add('flat row, topP 0.9', flat, { topP: 0.9 });
        add('flat row, topP 0.5, T 0.8', flat, { topP: 0.5, temperature: 0.8 });
      }
    } else if (family === 'min-p') {
      // x' - m = 1 - 3 = -2 on the block: minP e^-2 keeps it exactly on the ties (float64
      // log(exp(-2)) is -2 +- 1 ulp, so the cut is moved 2^-20 away to make it unambiguous).
      add(`${big} ${tie} just kept`, blockRow(big), { minP: Math.exp(-2 - 2 ** -20 - 64 * ULP) });
      // Ties at -2 dropped; near-ties -2 + k ulp kept from k = 9 on (the cut half an ulp off).
      add(`${big} ${tie} just dropped`, blockRow(big), {
        minP: Math.exp(-2 + 2 ** -20 + ULP / 2),
      });
      add(
        `${big} maxima tied, minP 1`,
        buildRow(rng, n, { head: [], block: big, level: 2, near: false }),
        {
          minP: 1,
        },
      );
      add(`${tie}, T = Infinity keeps every allowed token`, blockRow(small, { masked: 0.25 }), {
        minP: 0.5,
        temperature: POS,
      });
    } else if (family === 'whole-row') {
      add(`${tie}, T 1`, blockRow(big), {});
      add(`${tie}, a quarter masked, T 0.7`, blockRow(small, { masked: 0.25 }), {
        temperature: 0.7,
      });
      const infinite = blockRow(small);
      infinite[n >> 1] = POS;
      infinite[n - 1] = POS;
      add(`${tie}, two +Infinity logits`, infinite, {});
      add(`${tie}, T = Infinity`, blockRow(small, { masked: 0.5 }), { temperature: POS });
    } else {
      add(`${big} ${tie}, topK + topP + minP`, blockRow(big), {
        topK: head.length + big - 7,
        topP: 0.8,
        minP: 0.01,
        topN: 600,
      });
      add(`${small} ${tie}, topK + minP, T 0.7`, blockRow(small), {
        topK: head.length + Math.floor(small / 2),
        minP: Math.exp(-3),
        temperature: 0.7,
      });
      add(`${big} ${tie}, topK + topP, T 1.5`, blockRow(big, { atEnd: true }), {
        topK: head.length + 700,
        topP: 0.6,
        temperature: 1.5,
        topN: 2,
      });
    }
  }
  return list;
}

/** The row's input to the sampler: `copies` rows of it, in the dtype. */
function batchInput(dtype: Dtype, row: Float64Array, copies: number): Float32Array | Float64Array {
  const out =
    dtype === 'float32'
      ? new Float32Array(row.length * copies)
      : new Float64Array(row.length * copies);
  for (let c = 0; c < copies; c++) out.set(row, c * row.length);
  return out;
}

/** What one row's comparison counted. */
interface Tally {
  compared: number;
  near: number;
  rows: number;
  nearRows: number;
}

/**
 * Compares one sampled row with the reference: kept count, tokens (exact-draw rule), logprobs,
 * and when asked q, entropy, top-N and raw log-probabilities, each within its bound.
 */
function compareRow(
  t: Tracker,
  where: string,
  got: SampledRow,
  row: Float64Array,
  params: SizedScenario['params'],
  reference: ReferenceDistribution,
  us: readonly number[],
  model: PrecisionModel,
  outputs: boolean,
  tally: Tally,
  raw: () => { values: Float64Array; bounds: Float64Array | null },
): void {
  const temperature = params.temperature ?? 1;
  const rho = ratioBound(reference, temperature, model);
  tally.rows++;
  // The kept set is exact unless top-p's cumulative mass came within rho of topP.
  if (reference.topPMargin <= rho) {
    tally.nearRows++;
    tally.near += us.length;
    return;
  }
  const kept = reference.ranked.length;
  t.require(got.kept === kept, () => `${where}: kept ${got.kept}, SPEC keeps ${kept}`);
  t.require(
    got.tokens.length === us.length && got.logprobs.length === us.length,
    () => `${where}: ${got.tokens.length} tokens for ${us.length} draws`,
  );
  // |log q - log q_ref| <= -log(1 - rho), plus the float64 log's own rounding of |log q|.
  const floor = qFloor(reference, model);
  const logBound = (logq: number) => logprobBound(rho, floor, Math.exp(logq));
  for (let k = 0; k < us.length; k++) {
    const token = got.tokens[k]!;
    const u = us[k]!;
    // u S within rho S of a cumulative boundary (both move by at most rho S): another token is fair.
    if (drawMargin(reference, u) <= rho * reference.total) {
      tally.near++;
      t.require(
        reference.q[token]! > 0,
        () => `${where} draw ${k}: token ${token} is not kept (q_ref = 0)`,
      );
      continue;
    }
    tally.compared++;
    const expected = referenceToken(reference, u);
    t.require(
      token === expected,
      () => `${where} draw ${k} (u = ${u}): token ${token}, the reference draws ${expected}`,
    );
    if (token !== expected) continue;
    const logq = Math.log(reference.q[token]!);
    t.check(
      Math.abs(got.logprobs[k]! - logq),
      logBound(logq),
      () => `${where} draw ${k}: logprob ${got.logprobs[k]} for token ${token}, reference ${logq}`,
    );
  }
  if (!outputs) return;
  // q: |q_i - q_ref_i| <= rho q_ref_i, and exactly 0 outside the kept set.
  const q = got.q;
  t.require(
    q !== undefined && q.length === row.length,
    () => `${where}: q missing or of wrong length`,
  );
  if (q !== undefined) {
    let worst = -1;
    let worstRatio = 0;
    for (let i = 0; i < row.length; i++) {
      const expected = reference.q[i]!;
      const error = Math.abs(q[i]! - expected);
      const bound = rho * expected + floor;
      const ratio = expected === 0 ? (q[i] === 0 ? 0 : POS) : error / bound;
      if (!(ratio <= worstRatio)) {
        worstRatio = Number.isNaN(ratio) ? POS : ratio;
        worst = i;
      }
    }
    if (worst >= 0)
      t.check(
        Math.abs(q[worst]! - reference.q[worst]!),
        rho * reference.q[worst]! + floor,
        () => `${where}: q[${worst}] = ${q[worst]}, reference ${reference.q[worst]}`,
      );
  }
  // Entropy: |d(q log q)| <= |dq| (|log q| + 1), so |H - H_ref| <= rho (H_ref + 1) / (1 - rho),
  // plus the float64 sum and logs of up to `kept` terms (gamma_{2 kept + 2}(2^-53) (H_ref + 1)).
  const entropy = referenceEntropy(reference);
  // An entry off by the floor moves q log q by at most floor (1 + |log floor|).
  const entropyBound =
    (rho / (1 - rho)) * (entropy + 1) +
    gamma(2 * kept + 2, EPS64) * (entropy + 1) +
    kept * floor * (1 + Math.abs(Math.log(floor)));
  t.check(
    Math.abs((got.entropy ?? Number.NaN) - entropy),
    entropyBound,
    () => `${where}: entropy ${got.entropy}, reference ${entropy}`,
  );
  // Top-N: the first N of the ranking (exact: ranked by x', never by rounded p).
  const topN = Math.min(params.topN ?? 0, kept);
  if ((params.topN ?? 0) > 0) {
    const tokens = [...(got.top?.tokens ?? [])];
    const expected = reference.ranked.slice(0, topN);
    t.require(
      tokens.join() === expected.join(),
      () =>
        `${where}: top ${params.topN} is [${tokens.slice(0, 8).join(', ')}${tokens.length > 8 ? ', ...' : ''}], SPEC ranks [${expected.slice(0, 8).join(', ')}${expected.length > 8 ? ', ...' : ''}]`,
    );
    const logprobs = got.top?.logprobs ?? new Float64Array(0);
    for (let k = 0; k < Math.min(tokens.length, expected.length); k++) {
      const logq = Math.log(reference.q[expected[k]!]!);
      t.check(
        Math.abs(logprobs[k]! - logq),
        logBound(logq),
        () => `${where}: top logprob ${k} = ${logprobs[k]}, reference ${logq}`,
      );
    }
  }
  // Raw log-probabilities: logSoftmax(x) at T = 1 within the suite's logSoftmax bound.
  const rawLogprobs = got.rawLogprobs;
  t.require(rawLogprobs !== undefined, () => `${where}: rawLogprobs missing`);
  if (rawLogprobs !== undefined) {
    const { values, bounds } = raw();
    for (let k = 0; k < got.tokens.length; k++) {
      const token = got.tokens[k]!;
      const expected = values[token]!;
      if (expected === NEG)
        t.require(
          rawLogprobs[k] === expected,
          () => `${where}: rawLogprobs[${k}] = ${rawLogprobs[k]}, SPEC ${expected}`,
        );
      else if (bounds === null)
        // +Infinity logits: -log(k) exactly, rounded once or twice to the compute and output dtype.
        t.check(
          Math.abs(rawLogprobs[k]! - expected),
          (2 * model.eps + model.epsOut) * Math.abs(expected),
          () => `${where}: rawLogprobs[${k}] = ${rawLogprobs[k]}, SPEC ${expected}`,
        );
      else
        t.check(
          Math.abs(rawLogprobs[k]! - expected),
          bounds[token]!,
          () => `${where}: rawLogprobs[${k}] = ${rawLogprobs[k]}, reference ${expected}`,
        );
    }
  }
}

/**
 * The raw logSoftmax of a row (float64) with a bound per entry (null: the row has `+Infinity`).
 * From the suite's error model (`bounds.ts`): logp_i = z_i - L, L = log1p(s). z_i carries
 * `4 eps |z_i|` (+ the narrowing error of x_i - m); the computed s is within a factor
 * `1 + rho_s`, `rho_s = 4 eps zMax + 4 eps + gamma_n(eps) + c_max` (zMax the largest |z_j| of
 * a live entry, c_max the largest narrowing error), which moves log1p(s) by at most
 * `rho_s / (1 - rho_s) L` (s / (1 + s) <= log1p(s)); log1p adds 4 eps L; the subtraction and
 * the output (eps + eps_out)(|z_i| + L); the float64 reference `gamma_n(2^-53)(|z_i| + L)`.
 */
function rawReference(row: Float64Array, model: PrecisionModel) {
  const values = referenceRawLogprobs(row);
  const n = row.length;
  let max = NEG;
  for (const v of row) if (v > max) max = v;
  if (!Number.isFinite(max)) return { values, bounds: null };
  const { eps, epsOut } = model;
  const conversion = (d: number) => (model.narrowing ? Math.abs(model.round(d) - d) : 0);
  let zMax = 0;
  let conversionMax = 0;
  for (const v of row) {
    if (v === NEG) continue;
    zMax = Math.max(zMax, max - v);
    conversionMax = Math.max(conversionMax, conversion(v - max));
  }
  const L = -values[row.indexOf(max)]!;
  const rhoS = 4 * eps * zMax + 4 * eps + gamma(n, eps) + conversionMax;
  const logError = rhoS < 1 ? (rhoS / (1 - rhoS)) * L + 4 * eps * L : POS;
  const bounds = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const z = Math.abs(row[i]! - max);
    const terms = z + L;
    bounds[i] =
      4 * eps * z +
      conversion(row[i]! - max) +
      logError +
      (eps + epsOut) * (1 + eps) * (terms + logError) +
      gamma(n, EPS64) * terms +
      n * model.minNormalCompute +
      model.minNormalOut;
  }
  return { values, bounds };
}

function outputOptions(outputs: boolean, params: SizedScenario['params']): SampleOptions {
  return outputs
    ? { q: true, entropy: true, rawLogprobs: true, ...(params.topN ? { topN: params.topN } : {}) }
    : {};
}

/** Rounds a row to the dtype (the values the sampler receives; the grid keeps them exact). */
const inDtype = (dtype: Dtype, row: Float64Array) =>
  dtype === 'float32' ? Float64Array.from(Float32Array.from(row)) : row;

function summary(tally: Tally): string {
  return `${tally.rows} rows, ${tally.compared} draws compared with the reference, ${tally.near} within the bound of a boundary (not compared)${tally.nearRows > 0 ? `, ${tally.nearRows} rows with topP within the bound of a cumulative value (kept set not compared)` : ''}`;
}

/** Scenarios of a family at the profile's sizes, made once per run (or process: shared-values.ts). */
function familyScenarios(context: CaseContext, family: Family, profile: Profile): SizedScenario[] {
  return backendIndependent(context, `sampling-sizes:${family}:${profile}:${context.seed}`, () => {
    // One stream per family (not per case), so the draw-count cases of a family share their rows.
    const rng = createRng(seedFor(context.seed, `sampling-sizes.${family}.${profile}`));
    const { sizes, largeScenarios } = SIZE_PROFILES[profile];
    return sizes.flatMap((n) => {
      const all = scenarios(family, n, rng);
      // Above 64k the fast profile keeps the first near-tie scenario (its block holds exact ties
      // too: 64 values repeated), so CI sorts few 256k rows for the reference.
      return n > 65_536
        ? all.filter((s) => s.label.includes('near-ties')).slice(0, largeScenarios)
        : all;
    });
  });
}

const FAMILY_TEXT: { readonly [F in Family]: string } = {
  'top-k':
    'topK cut inside a block of exact ties and of near-ties (1 float32 ulp apart), with more and fewer than 512 tokens in the block, at random positions and at the row end, k beyond the allowed tokens; the rows of issue 14 at n = 601',
  'top-p':
    'topP falling inside a block of ties and near-ties (half a step from the nearest cumulative value), T 1, 1.5 and Infinity, a tiny topP',
  'min-p':
    'minP just keeping and just dropping a block of ties and near-ties, minP 1 on tied maxima, T = Infinity (keeps every allowed token)',
  'whole-row': 'no truncation: ties, -Infinity masks, two +Infinity logits, T = Infinity',
  combined: 'topK + topP + minP together on ties and near-ties, a top-N of 600',
};

function familyCase(
  family: Family,
  draws: number,
  dtype: Dtype,
  profile: Profile,
  make: SamplerFactory,
): ConformanceCase {
  const { sizes, copies } = SIZE_PROFILES[profile];
  return samplingCase(
    `sampling.${family}.draws=${draws}.${dtype}`,
    `${family} at n = ${sizes.join(', ')} (${profile} profile): ${FAMILY_TEXT[family]}; ${draws} draw${draws === 1 ? '' : 's'} per row, ${copies} rows per call; kept, tokens (same u as the float64 reference), logprobs, q, entropy, top-N and raw logprobs against the reference (${dtype}).`,
    'rho = expm1(2R + 4 gamma_n(2^-53)), R = max over kept i of |z_i|(4eps+rho_T)/(1-4eps-rho_T) (+ narrowing error of x_i - m, over T) + ln(1+4eps) + ln(1+2eps) + ln(1+eps_out) (the normaliser is common to every p_i and cancels in q): |q_i - q_ref_i| <= rho q_ref_i + f, f = 2 (2 minNormal_c + minNormal_out) / (kept mass) where p underflows; a draw is compared where |u S - C_i| > rho S; |logq - ref| <= -log(1-rho) + 2^-52 |ref|; |H - H_ref| <= (rho/(1-rho) + gamma_{2k+2}(2^-53)) (H_ref + 1); raw logprobs: |logp - ref| <= 4eps|z| + (rho_s/(1-rho_s) + 4eps) L + (eps+eps_out)(1+eps)(|z| + L + ...) + gamma_n(2^-53)(|z| + L), rho_s = 4eps zMax + 4eps + gamma_n(eps)',
    make,
    async (sampler, context, t) => {
      const model = context.model(dtype);
      const tally: Tally = { compared: 0, near: 0, rows: 0, nearRows: 0 };
      for (const [index, scenario] of familyScenarios(context, family, profile).entries()) {
        const row = inDtype(dtype, scenario.row);
        // Every row is exact in float32, so both dtypes and every draw count share one reference.
        const key = `sampling-sizes:${family}:${profile}:${context.seed}:${index}`;
        const reference = backendIndependent(context, key, () =>
          referenceDistribution(row, scenario.params),
        );
        const seed = context.rng.int(0, 2 ** 31);
        const n = row.length;
        const result = await sampler.sample(batchInput(dtype, row, copies), {
          ...scenario.params,
          ...outputOptions(scenario.outputs, scenario.params),
          shape: [copies, n],
          seed,
          draws,
        });
        t.require(
          result.rows.length === copies,
          () => `${scenario.label}: ${result.rows.length} rows for ${copies}`,
        );
        for (let c = 0; c < Math.min(copies, result.rows.length); c++) {
          const us = Array.from({ length: draws }, (_, k) => uniformAt(seed, c, k));
          compareRow(
            t,
            `${scenario.label} (${dtype}, row ${c}, seed ${seed})`,
            result.rows[c]!,
            row,
            scenario.params,
            reference,
            us,
            model,
            scenario.outputs,
            tally,
            () => perRun(context, `${key}:raw:${dtype}`, () => rawReference(row, model)),
          );
        }
      }
      t.require(tally.compared > 0, 'no draw was far enough from a boundary to compare');
      return summary(tally);
    },
  );
}

/** The batch case's rows: each its own family, parameters, seed and draw count (1 to 8). */
function makeBatch(rng: Rng, rows: number, n: number) {
  const logits: Float64Array[] = [];
  const params: ReferenceSampling[] = [];
  for (let r = 0; r < rows; r++) {
    const family = FAMILIES[r % FAMILIES.length]!;
    const block = rng.int(100, 900);
    const near = r % 2 === 1;
    logits.push(
      buildRow(rng, n, { head: [3, 2.5, 2], block, level: 1, near, masked: r % 3 === 0 ? 0.3 : 0 }),
    );
    params.push({
      temperature: [1, 0.7, 1.5, POS, 0][r % 5]!,
      topK: family === 'top-k' || family === 'combined' ? 3 + rng.int(1, block) : n,
      topP: family === 'top-p' || family === 'combined' ? 0.5 + 0.45 * rng.next() : 1,
      // min-p just above or just below the block's -2 (ties and near-ties, T 1).
      // (half a float32 ulp off every value, so no value sits on the cut).
      minP:
        family !== 'min-p'
          ? 0
          : Math.exp(r % 4 === 0 ? -2 + 2 ** -20 + ULP / 2 : -2 - 2 ** -20 - 64 * ULP),
    });
  }
  const seeds = Array.from({ length: rows }, () => rng.int(0, 2 ** 40));
  const draws = Array.from({ length: rows }, (_, r) => 1 + (r % 8));
  const references = logits.map((row, r) => referenceDistribution(row, params[r]!));
  return { logits, params, seeds, draws, references };
}

/**
 * A batch of 64 rows (128 in the full profile) of 32,768 tokens in one call, each row with its
 * own family, parameters (per-row arrays), seed and draw count (1 to 8).
 */
function batchCase(dtype: Dtype, profile: Profile, make: SamplerFactory): ConformanceCase {
  const [rows, n] = SIZE_PROFILES[profile].batch;
  return samplingCase(
    `sampling.batch.${dtype}`,
    `A batch of ${rows} x ${n} (${profile} profile) in one call, per-row temperature, topK, topP, minP, seeds and draws (1 to 8); each row's kept count and draws equal the float64 reference's for its own u (${dtype}).`,
    'as the truncation cases: a draw is compared where |u S - C_i| > rho S',
    make,
    async (sampler, context, t) => {
      const model = context.model(dtype);
      // Rows exact in float32: both dtypes share the batch and its references.
      const { logits, params, seeds, draws, references } = backendIndependent(
        context,
        `sampling-batch:${profile}:${context.seed}`,
        () => makeBatch(createRng(seedFor(context.seed, `sampling-batch.${profile}`)), rows, n),
      );
      const input = new (dtype === 'float32' ? Float32Array : Float64Array)(rows * n);
      for (const [r, row] of logits.entries()) input.set(row, r * n); // exact in float32
      const result = await sampler.sample(input, {
        shape: [rows, n],
        temperature: params.map((p) => p.temperature!),
        topK: params.map((p) => p.topK!),
        topP: params.map((p) => p.topP!),
        minP: params.map((p) => p.minP!),
        seed: seeds,
        draws,
      });
      const tally: Tally = { compared: 0, near: 0, rows: 0, nearRows: 0 };
      for (let r = 0; r < rows; r++) {
        const reference = references[r]!;
        const us = Array.from({ length: draws[r]! }, (_, k) => uniformAt(seeds[r]!, 0, k));
        compareRow(
          t,
          `batch row ${r} (${dtype}, T ${params[r]!.temperature}, topK ${params[r]!.topK}, topP ${params[r]!.topP}, minP ${params[r]!.minP}, seed ${seeds[r]})`,
          result.rows[r]!,
          logits[r]!,
          params[r]!,
          reference,
          us,
          model,
          false,
          tally,
          () => rawReference(logits[r]!, model),
        );
      }
      t.require(tally.compared > 0, 'no draw was far enough from a boundary to compare');
      return summary(tally);
    },
  );
}

/**
 * The real-size cases of the sampling group for a profile: per truncation family and draw
 * count and dtype, plus the batch.
 *
 * @example
 * ```ts
 * samplingSizeCases('fast').map((c) => c.id); // ['sampling.top-k.draws=1.float32', ...]
 * ```
 */
export function samplingSizeCases(profile: Profile, make: SamplerFactory): ConformanceCase[] {
  const dtypes: readonly Dtype[] = ['float32', 'float64'];
  return [
    ...dtypes.flatMap((dtype) =>
      FAMILIES.flatMap((family) =>
        DRAW_COUNTS.map((draws) => familyCase(family, draws, dtype, profile, make)),
      ),
    ),
    ...dtypes.map((dtype) => batchCase(dtype, profile, make)),
  ];
}
