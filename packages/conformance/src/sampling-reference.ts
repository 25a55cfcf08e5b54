/**
 * The float64 reference of SPEC's "Sampling (v1)": written plainly from SPEC's text (a full sort
 * of the row, sums in ranking and index order, no histograms, no candidates, no shared code with
 * `@softmax-kit/sampling`), so it is obviously right and slow. The conformance `sampling` group
 * and the sampling package's own tests compare the sampler with it, draw by draw, for the same
 * `u`; this module imports nothing, so both can load it (the sampling package's tests by path:
 * a dev dependency on this package would be a build cycle).
 *
 * Readings of SPEC written down here:
 * - `T = 0` is greedy: the lowest index among the maxima of x', one kept token, whatever the
 *   truncation parameters.
 * - A `+Infinity` in x' takes the whole mass at every T, split equally among the `+Infinity`
 *   tokens (the softmax special-value rule); min-p then keeps exactly those.
 * - At `T = Infinity` every token still allowed has the same probability, so min-p keeps them
 *   all, also where `x'_i - m'` overflows (SPEC's ruling; `(x - m) / T` would be NaN there).
 *
 * @example
 * ```ts
 * import { referenceDistribution, referenceToken } from '@softmax-kit/conformance/sampling-reference';
 *
 * const reference = referenceDistribution([5, 1, 1, 1], { topK: 3 });
 * reference.q; // [0.9647..., 0.0176..., 0.0176..., 0]
 * referenceToken(reference, 0.99); // 2
 * ```
 */

/** The parameters of one row, SPEC's names (the sampler's option names). */
export interface ReferenceSampling {
  /** `T >= 0`, default 1. */
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly minP?: number;
  /** Dense bias, one value per token (finite or `-Infinity`). */
  readonly bias?: readonly number[];
  /** Allowed token ids (every other token becomes `-Infinity`). */
  readonly allowed?: readonly number[];
  /** Token history for the penalties. */
  readonly history?: readonly number[];
  readonly repetitionPenalty?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
}

/** What the reference computes for one row (SPEC steps 1 to 3). */
export interface ReferenceDistribution {
  /** The processed logits x' (float64). */
  readonly processed: Float64Array;
  /** `softmax(x', T)` before truncation (float64; at T = 0 one-hot on the greedy token). */
  readonly p: Float64Array;
  /** Kept tokens in ranking order (x' descending, ties by lower index). */
  readonly ranked: readonly number[];
  /** The processed distribution: p renormalised over the kept tokens, 0 elsewhere. */
  readonly q: Float64Array;
  /** `C_i = sum_{j <= i} q_j` in index order. */
  readonly cumulative: Float64Array;
  /** `S`, the last `C_i`. */
  readonly total: number;
  /**
   * The smallest distance, over the top-p steps taken, between the renormalised cumulative mass
   * and topP (how close a backend's rounding could bring the kept set to another): Infinity
   * when top-p kept everything or was not asked.
   */
  readonly topPMargin: number;
}

const NEG = Number.NEGATIVE_INFINITY;
const POS = Number.POSITIVE_INFINITY;

/** SPEC step 1: bias, allowed, penalties, on a float64 copy of the row. */
export function referenceProcess(
  logits: ArrayLike<number>,
  params: ReferenceSampling,
): Float64Array {
  const n = logits.length;
  const x = Float64Array.from(logits);
  const { bias, allowed, history } = params;
  if (bias) for (let i = 0; i < n; i++) x[i] = bias[i] === NEG ? NEG : x[i]! + bias[i]!;
  if (allowed) {
    const ids = new Set(Array.from(allowed));
    for (let i = 0; i < n; i++) if (!ids.has(i)) x[i] = NEG;
  }
  if (history) {
    const counts = new Map<number, number>();
    for (const id of Array.from(history)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const r = params.repetitionPenalty ?? 1;
    const a = params.presencePenalty ?? 0;
    const f = params.frequencyPenalty ?? 0;
    for (const [id, count] of counts) {
      const v = x[id]!;
      x[id] = (v > 0 ? v / r : v * r) - a - f * count;
    }
  }
  return x;
}

/** Token ids by x' descending, ties by lower index; `-Infinity` left out (SPEC step 3). */
export function referenceRanking(processed: ArrayLike<number>): number[] {
  const ids: number[] = [];
  for (let i = 0; i < processed.length; i++) if (processed[i]! > NEG) ids.push(i);
  ids.sort((a, b) => {
    const xa = processed[a]!;
    const xb = processed[b]!;
    return xa === xb ? a - b : xb > xa ? 1 : -1;
  });
  return ids;
}

/** `softmax(x', T)` in float64 with SPEC's limits (T = 0 handled by the caller). */
function probabilities(x: Float64Array, t: number): Float64Array {
  const n = x.length;
  const p = new Float64Array(n);
  let m = NEG;
  let live = 0;
  let infinite = 0;
  for (const v of x) {
    if (v > m) m = v;
    if (v > NEG) live++;
    if (v === POS) infinite++;
  }
  if (infinite > 0) for (let i = 0; i < n; i++) p[i] = x[i] === POS ? 1 / infinite : 0;
  else if (t === POS) for (let i = 0; i < n; i++) p[i] = x[i]! > NEG ? 1 / live : 0;
  else {
    let z = 0;
    for (let i = 0; i < n; i++) z += Math.exp((x[i]! - m) / t);
    for (let i = 0; i < n; i++) p[i] = Math.exp((x[i]! - m) / t) / z;
  }
  return p;
}

/** SPEC steps 1 to 3 in float64 for one row. Throws a plain Error on a row SPEC rejects. */
export function referenceDistribution(
  logits: ArrayLike<number>,
  params: ReferenceSampling,
): ReferenceDistribution {
  const x = referenceProcess(logits, params);
  const n = x.length;
  const t = params.temperature ?? 1;
  let ranked = referenceRanking(x);
  if (ranked.length === 0) throw new Error('ALL_MASKED: every token is -Infinity');
  let p: Float64Array;
  let topPMargin = POS;
  if (t === 0) {
    // Greedy: the first of the ranking is the lowest index among the maxima.
    ranked = ranked.slice(0, 1);
    p = new Float64Array(n);
    p[ranked[0]!] = 1;
  } else {
    p = probabilities(x, t);
    const m = x[ranked[0]!]!;
    if (params.topK !== undefined) ranked = ranked.slice(0, params.topK);
    if (params.topP !== undefined && params.topP < 1) {
      let mass = 0;
      for (const i of ranked) mass += p[i]!;
      let cumulative = 0;
      for (let k = 0; k < ranked.length; k++) {
        cumulative += p[ranked[k]!]! / mass;
        topPMargin = Math.min(topPMargin, Math.abs(cumulative - params.topP));
        if (cumulative >= params.topP) {
          ranked = ranked.slice(0, k + 1);
          break;
        }
      }
    }
    if (params.minP !== undefined && params.minP > 0) {
      const logMinP = Math.log(params.minP);
      if (m === POS) ranked = ranked.filter((i) => x[i] === POS);
      else if (t !== POS) ranked = ranked.filter((i) => (x[i]! - m) / t >= logMinP);
      // T = Infinity: every kept token has the same probability; min-p keeps them all.
    }
  }
  let keptMass = 0;
  for (const i of ranked) keptMass += p[i]!;
  const q = new Float64Array(n);
  for (const i of ranked) q[i] = p[i]! / keptMass;
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += q[i]!;
    cumulative[i] = sum;
  }
  return { processed: x, p, ranked, q, cumulative, total: sum, topPMargin };
}

/** SPEC step 4: the first kept index with C_i > u * S, else the last kept index. */
export function referenceToken(distribution: ReferenceDistribution, u: number): number {
  const { cumulative, q, ranked, total } = distribution;
  const target = u * total;
  for (let i = 0; i < cumulative.length; i++) if (q[i]! > 0 && cumulative[i]! > target) return i;
  return Math.max(...ranked);
}

/** The distance from u * S to the nearest C_i: within a backend's bound, another token is fair. */
export function drawMargin(distribution: ReferenceDistribution, u: number): number {
  const { cumulative, q, total } = distribution;
  const target = u * total;
  let closest = Math.abs(target); // C_{-1} = 0
  for (let i = 0; i < cumulative.length; i++)
    if (q[i]! > 0) closest = Math.min(closest, Math.abs(cumulative[i]! - target));
  return closest;
}

/** `-sum q log q` over the kept tokens (nats). */
export function referenceEntropy(distribution: ReferenceDistribution): number {
  let entropy = 0;
  for (const i of distribution.ranked) {
    const v = distribution.q[i]!;
    if (v > 0) entropy -= v * Math.log(v);
  }
  return entropy;
}

/** The log-probability of `token` under q (`-Infinity` outside the kept set). */
export function referenceLogprob(distribution: ReferenceDistribution, token: number): number {
  return Math.log(distribution.q[token] ?? 0);
}

/** `logSoftmax(x)` at T = 1 of the raw logits (nothing processed): SPEC's `rawLogprobs`. */
export function referenceRawLogprobs(logits: ArrayLike<number>): Float64Array {
  const n = logits.length;
  let m = NEG;
  for (let i = 0; i < n; i++) if (logits[i]! > m) m = logits[i]!;
  const out = new Float64Array(n);
  if (m === POS) {
    let k = 0;
    for (let i = 0; i < n; i++) if (logits[i] === POS) k++;
    for (let i = 0; i < n; i++) out[i] = logits[i] === POS ? -Math.log(k) : NEG;
    return out;
  }
  // log1p of the sum without the first max's term (SPEC, "Accuracy of the logarithms").
  let first = -1;
  let rest = 0;
  for (let i = 0; i < n; i++) {
    if (first < 0 && logits[i] === m) first = i;
    else rest += Math.exp(logits[i]! - m);
  }
  const logSum = Math.log1p(rest);
  for (let i = 0; i < n; i++) out[i] = logits[i]! - m - logSum;
  return out;
}

/** Everything `sample()` returns for one row, from the reference. */
export interface ReferenceSampledRow {
  readonly tokens: number[];
  readonly logprobs: number[];
  readonly kept: number;
  /** The first `topN` of the ranking (all kept), with their log-probabilities under q. */
  readonly top: { readonly tokens: number[]; readonly logprobs: number[] };
  readonly entropy: number;
  readonly q: Float64Array;
  readonly rawLogprobs: number[];
}

/**
 * The whole of SPEC's row result for given `u` values (one per draw: `uniformAt(seed, row,
 * step + k)` of `@softmax-kit/sampling`, which is checked against published vectors on its own).
 */
export function referenceSample(
  logits: ArrayLike<number>,
  params: ReferenceSampling & { readonly topN?: number },
  us: readonly number[],
): ReferenceSampledRow {
  const distribution = referenceDistribution(logits, params);
  const tokens = us.map((u) => referenceToken(distribution, u));
  const topTokens = distribution.ranked.slice(0, params.topN ?? 0);
  const raw = referenceRawLogprobs(logits);
  return {
    tokens,
    logprobs: tokens.map((token) => referenceLogprob(distribution, token)),
    kept: distribution.ranked.length,
    top: {
      tokens: topTokens,
      logprobs: topTokens.map((token) => referenceLogprob(distribution, token)),
    },
    entropy: referenceEntropy(distribution),
    q: distribution.q,
    rawLogprobs: tokens.map((token) => raw[token]!),
  };
}

/**
 * The upper tail P(X >= x) of a chi-square distribution with `df` degrees of freedom: the
 * regularised upper incomplete gamma Q(df/2, x/2), by its series below a + 1 and Lentz's
 * continued fraction above (the standard pair, as in Press et al., Numerical Recipes, 6.2).
 */
export function chiSquareTail(x: number, df: number): number {
  const a = df / 2;
  const z = x / 2;
  if (z <= 0) return 1;
  const logPrefix = a * Math.log(z) - z - logGamma(a);
  if (z < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 10_000; k++) {
      term *= z / (a + k);
      sum += term;
      if (term < sum * 1e-16) break;
    }
    return Math.max(0, 1 - Math.exp(logPrefix) * sum);
  }
  const tiny = 1e-300;
  let b = z + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let k = 1; k < 10_000; k++) {
    const an = -k * (k - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** log Gamma(a) for a > 0 (Lanczos, g = 7, nine coefficients). */
function logGamma(a: number): number {
  const g = 7;
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
  const shifted = a - 1;
  let sum = coefficients[0]!;
  for (let k = 1; k < g + 2; k++) sum += coefficients[k]! / (shifted + k);
  const t = shifted + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
