/**
 * A float64 reference of SPEC's "Sampling (v1.1)" for the `sampling` group, written plainly from
 * SPEC's text (a full sort of the row, DRY's match lengths by their definition in quadratic
 * time, sums in ranking order): processing with the penalty window and DRY, then top-nσ, top-k,
 * top-p, min-p, typical-p and XTC, each on what the steps before it kept; and the decoding
 * primitives verify, beamStep and score. It shares no code with `@softmax-kit/sampling` except
 * the generator's outputs (checked against published vectors on their own). With every v1.1
 * option off it is the v1 reference ({@link referenceDistribution}); the suite's tests check
 * that.
 */
import { uniformPairAt } from '@softmax-kit/sampling';
import type { ReferenceSampling } from './sampling-reference.js';

/** The v1 and v1.1 parameters the reference understands (one row). */
export interface ExtendedReferenceSampling extends ReferenceSampling {
  readonly penaltyWindow?: number;
  readonly dryMultiplier?: number;
  readonly dryBase?: number;
  readonly dryAllowedLength?: number;
  readonly dryBreakers?: readonly number[];
  readonly topNSigma?: number;
  readonly typicalP?: number;
  readonly xtcThreshold?: number;
  readonly xtcProbability?: number;
  readonly minKeep?: number;
}

/** What the reference computes for one row and one XTC coin. */
export interface ExtendedReferenceDistribution {
  /** The processed logits x'. */
  readonly processed: readonly number[];
  /** Kept tokens in ranking order. */
  readonly ranked: readonly number[];
  /** The processed distribution (0 outside the kept set). */
  readonly q: readonly number[];
  /** C_i in index order; S is the last. */
  readonly cumulative: readonly number[];
  /**
   * The smallest distance of any truncation decision from its threshold, in probability (top-p,
   * typical-p, XTC) or in units of x' (top-nσ): a backend whose error bound is below it must
   * keep the same set. Infinity when no such decision was taken.
   */
  readonly margin: number;
}

/** SPEC's DRY match length l(t) of every token of `h`, from the definition (quadratic). */
export function referenceDryLengths(
  h: readonly number[],
  breakers: readonly number[] = [],
): Map<number, number> {
  const isBreaker = new Set(breakers);
  const L = h.length;
  const lengths = new Map<number, number>();
  for (let j = 0; j < L; j++) {
    const t = h[j]!;
    let l = 0;
    if (!isBreaker.has(t))
      while (j - 1 - l >= 0 && h[j - 1 - l] === h[L - 1 - l] && !isBreaker.has(h[L - 1 - l]!)) l++;
    lengths.set(t, Math.max(lengths.get(t) ?? 0, l));
  }
  return lengths;
}

/** SPEC step 1 with v1.1's window and DRY: the processed logits x'. */
export function referenceProcess(
  logits: readonly number[],
  params: ExtendedReferenceSampling,
): number[] {
  const n = logits.length;
  const x = logits.slice();
  if (params.bias)
    for (let i = 0; i < n; i++)
      x[i] =
        params.bias[i] === Number.NEGATIVE_INFINITY
          ? Number.NEGATIVE_INFINITY
          : x[i]! + params.bias[i]!;
  if (params.allowed) {
    const allowed = new Set(params.allowed);
    for (let i = 0; i < n; i++) if (!allowed.has(i)) x[i] = Number.NEGATIVE_INFINITY;
  }
  const full = params.history ?? [];
  const w = params.penaltyWindow ?? full.length;
  const h = full.slice(Math.max(0, full.length - w));
  const counts = new Map<number, number>();
  for (const id of h) counts.set(id, (counts.get(id) ?? 0) + 1);
  const r = params.repetitionPenalty ?? 1;
  for (const [id, count] of counts) {
    const v = x[id]!;
    x[id] =
      (v > 0 ? v / r : v * r) -
      (params.presencePenalty ?? 0) -
      (params.frequencyPenalty ?? 0) * count;
  }
  const mu = params.dryMultiplier ?? 0;
  if (mu > 0) {
    const a = params.dryAllowedLength ?? 2;
    const b = params.dryBase ?? 1.75;
    for (const [t, l] of referenceDryLengths(h, params.dryBreakers)) {
      if (l < a) continue;
      const penalty = mu * b ** (l - a);
      x[t] = penalty === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : x[t]! - penalty;
    }
  }
  return x;
}

/** softmax(x', T) in float64, with SPEC's limits for +Infinity entries and T = Infinity. */
function probabilities(x: readonly number[], t: number): number[] {
  const n = x.length;
  const m = Math.max(...x);
  const live = x.filter((v) => v > Number.NEGATIVE_INFINITY).length;
  const infinite = x.filter((v) => v === Number.POSITIVE_INFINITY).length;
  if (infinite > 0) return x.map((v) => (v === Number.POSITIVE_INFINITY ? 1 / infinite : 0));
  if (t === Number.POSITIVE_INFINITY)
    return x.map((v) => (v > Number.NEGATIVE_INFINITY ? 1 / live : 0));
  let z = 0;
  for (let i = 0; i < n; i++) z += Math.exp((x[i]! - m) / t);
  return x.map((v) => Math.exp((v - m) / t) / z);
}

/**
 * SPEC steps 1 to 3 (v1.1) in float64 for one row; `coin` is the draw's second output `v` (XTC
 * removes its top choices when `coin < xtcProbability`). Not for `T = 0` (greedy).
 */
export function referenceExtendedDistribution(
  logits: readonly number[],
  params: ExtendedReferenceSampling,
  coin: number,
): ExtendedReferenceDistribution {
  const x = referenceProcess(logits, params);
  const t = params.temperature ?? 1;
  const p = probabilities(x, t);
  const minKeep = params.minKeep ?? 1;
  let margin = Number.POSITIVE_INFINITY;
  let ranked = [...x.keys()].filter((i) => x[i]! > Number.NEGATIVE_INFINITY);
  ranked.sort((a, b) => (x[a] === x[b] ? a - b : x[b]! > x[a]! ? 1 : -1));
  const atLeast = (kept: number[], given: number[]) =>
    kept.length >= Math.min(minKeep, given.length) ? kept : given.slice(0, minKeep);
  if (params.topNSigma !== undefined) {
    const finite = ranked.map((i) => x[i]!).filter(Number.isFinite);
    const mean = finite.reduce((s, v) => s + v, 0) / Math.max(finite.length, 1);
    const sigma = Math.sqrt(
      finite.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(finite.length, 1),
    );
    const top = x[ranked[0]!]!;
    const threshold = top === Number.POSITIVE_INFINITY ? top : top - params.topNSigma * sigma;
    for (const i of ranked)
      if (Number.isFinite(x[i]!)) margin = Math.min(margin, Math.abs(x[i]! - threshold));
    ranked = atLeast(
      ranked.filter((i) => x[i]! >= threshold),
      ranked,
    );
  }
  if (params.topK !== undefined) ranked = ranked.slice(0, params.topK);
  const massOf = (set: number[]) => set.reduce((s, i) => s + p[i]!, 0);
  if (params.topP !== undefined && params.topP < 1) {
    const mass = massOf(ranked);
    let cumulative = 0;
    for (let k = 0; k < ranked.length; k++) {
      cumulative += p[ranked[k]!]! / mass;
      margin = Math.min(margin, Math.abs(cumulative - params.topP));
      if (cumulative >= params.topP) {
        ranked = atLeast(ranked.slice(0, k + 1), ranked);
        break;
      }
    }
  }
  if (params.minP !== undefined && params.minP > 0 && t !== Number.POSITIVE_INFINITY) {
    const m = x[ranked[0]!]!;
    const logMinP = Math.log(params.minP);
    ranked = atLeast(
      ranked.filter((i) =>
        m === Number.POSITIVE_INFINITY ? x[i] === m : (x[i]! - m) / t >= logMinP,
      ),
      ranked,
    );
  }
  if (params.typicalP !== undefined && params.typicalP < 1 && ranked.length > 1) {
    const mass = massOf(ranked);
    const q = (i: number) => p[i]! / mass;
    let entropy = 0;
    for (const i of ranked) if (q(i) > 0) entropy -= q(i) * Math.log(q(i));
    const place = new Map(ranked.map((i, k) => [i, k]));
    const order = ranked
      .slice()
      .sort(
        (a, b) =>
          Math.abs(-Math.log(q(a)) - entropy) - Math.abs(-Math.log(q(b)) - entropy) ||
          place.get(a)! - place.get(b)!,
      );
    let cumulative = 0;
    let kept = order.length;
    for (let k = 0; k < order.length; k++) {
      cumulative += q(order[k]!);
      margin = Math.min(margin, Math.abs(cumulative - params.typicalP));
      if (k + 1 >= Math.min(minKeep, order.length) && cumulative >= params.typicalP) {
        kept = k + 1;
        break;
      }
    }
    const survivors = new Set(order.slice(0, kept));
    ranked = ranked.filter((i) => survivors.has(i));
  }
  const pi = params.xtcProbability ?? 0;
  if (pi > 0 && coin < pi) {
    const theta = params.xtcThreshold ?? 0.1;
    const mass = massOf(ranked);
    for (const i of ranked) margin = Math.min(margin, Math.abs(p[i]! / mass - theta));
    const top = ranked.filter((i) => p[i]! / mass >= theta);
    if (top.length >= 2) {
      const last = top[top.length - 1]!;
      const removed = new Set(top.filter((i) => i !== last));
      ranked = ranked.filter((i) => !removed.has(i));
    }
  }
  const kept = new Set(ranked);
  const keptMass = massOf(ranked);
  const q = p.map((v, i) => (kept.has(i) ? v / keptMass : 0));
  const cumulative: number[] = [];
  let sum = 0;
  for (const v of q) {
    sum += v;
    cumulative.push(sum);
  }
  return { processed: x, ranked, q, cumulative, margin };
}

/** SPEC step 4 on any weights: the first index with w > 0 and C_i > u * S, else the last with w > 0. */
export function referenceDraw(weights: readonly number[], u: number): number {
  const total = weights.reduce((s, v) => s + v, 0);
  let sum = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i]! > 0)) continue;
    sum += weights[i]!;
    last = i;
    if (sum > u * total) return i;
  }
  return last;
}

/** The distance from `u * S` to the nearest running sum: within a backend's bound, another token is fair. */
export function referenceDrawMargin(weights: readonly number[], u: number): number {
  const total = weights.reduce((s, v) => s + v, 0);
  let sum = 0;
  let closest = Number.POSITIVE_INFINITY;
  for (const v of weights) {
    sum += v;
    closest = Math.min(closest, Math.abs(sum - u * total));
  }
  return closest;
}

/** What the reference verify returns, with the closest call a backend's rounding could flip. */
export interface ReferenceVerify {
  readonly accepted: number;
  readonly tokens: readonly number[];
  /** Smallest distance of an acceptance test or a draw from its boundary. */
  readonly margin: number;
}

/** SPEC's verify in float64 for one sequence: `rows` are the k + 1 target rows. */
export function referenceVerify(
  rows: readonly (readonly number[])[],
  draft: readonly number[],
  r: readonly (readonly number[])[],
  params: ExtendedReferenceSampling,
  key: { readonly seed: number; readonly row: number; readonly step: number },
): ReferenceVerify {
  const tokens: number[] = [];
  let margin = Number.POSITIVE_INFINITY;
  const k = draft.length;
  for (let i = 0; i <= k; i++) {
    const history = [...(params.history ?? []), ...draft.slice(0, i)];
    const p = referenceExtendedDistribution(rows[i]!, { ...params, history }, 1);
    margin = Math.min(margin, p.margin);
    const pair = uniformPairAt(key.seed, key.row, key.step + i, new Float64Array(2));
    const u = pair[0]!;
    const v = pair[1]!;
    if (i === k) {
      margin = Math.min(margin, referenceDrawMargin(p.q, u));
      tokens.push(referenceDraw(p.q, u));
      break;
    }
    const d = draft[i]!;
    margin = Math.min(margin, Math.abs(u * r[i]![d]! - p.q[d]!));
    if (u * r[i]![d]! < p.q[d]!) {
      tokens.push(d);
      continue;
    }
    const residual = p.q.map((value, t) => Math.max(0, value - r[i]![t]!));
    const empty = residual.every((value) => value === 0);
    const weights = empty ? p.q : residual;
    margin = Math.min(margin, referenceDrawMargin(weights, v));
    tokens.push(referenceDraw(weights, v));
    break;
  }
  return { accepted: tokens.length - 1, tokens, margin };
}

/** SPEC's beamStep in float64 (no truncation): every candidate sorted, the first `width`. */
export function referenceBeamStep(
  rows: readonly (readonly number[])[],
  scores: readonly number[],
  width: number,
  temperature = 1,
): { beam: number; token: number; score: number }[] {
  const all: { beam: number; token: number; score: number }[] = [];
  rows.forEach((row, beam) => {
    const logq = referenceLogSoftmax(row, temperature);
    for (let token = 0; token < row.length; token++) {
      const score = scores[beam]! + logq[token]!;
      if (score > Number.NEGATIVE_INFINITY) all.push({ beam, token, score });
    }
  });
  all.sort((a, b) => b.score - a.score || a.beam - b.beam || a.token - b.token);
  return all.slice(0, width);
}

/**
 * logSoftmax(x, T) in float64 with SPEC's accurate form `(x_i - m)/T - log1p(s)`, `s` the sum
 * without the first maximum's term (finite rows).
 */
export function referenceLogSoftmax(row: readonly number[], temperature = 1): number[] {
  const m = Math.max(...row);
  const first = row.indexOf(m);
  let s = 0;
  row.forEach((v, j) => {
    if (j !== first) s += Math.exp((v - m) / temperature);
  });
  const log1p = Math.log1p(s);
  return row.map((v) => (v - m) / temperature - log1p);
}
