/**
 * A float64 reference of SPEC's "Sampling (v1)" for the `sampling` group: written plainly (a
 * full sort of the row, sums in ranking and index order), from SPEC's text alone. The group
 * compares every backend's sampler with it, draw by draw, for the same `u`.
 */

/** The parameters the reference understands (one row). */
export interface ReferenceSampling {
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly minP?: number;
  readonly bias?: readonly number[];
  readonly allowed?: readonly number[];
  readonly history?: readonly number[];
  readonly repetitionPenalty?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
}

/** What the reference computes for one row. */
export interface ReferenceDistribution {
  /** Kept tokens in ranking order. */
  readonly ranked: readonly number[];
  /** The processed distribution. */
  readonly q: readonly number[];
  /** C_i = sum_{j <= i} q_j in index order; S is the last. */
  readonly cumulative: readonly number[];
  /**
   * The smallest distance, over the top-p steps taken, between the renormalised cumulative mass
   * and topP (how close a backend's rounding could bring the kept set to another): Infinity
   * when top-p kept everything or was not asked.
   */
  readonly topPMargin: number;
}

/** SPEC steps 1 to 3 in float64 for one row. */
export function referenceDistribution(
  logits: readonly number[],
  params: ReferenceSampling,
): ReferenceDistribution {
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
  if (params.history) {
    const counts = new Map<number, number>();
    for (const id of params.history) counts.set(id, (counts.get(id) ?? 0) + 1);
    const r = params.repetitionPenalty ?? 1;
    for (const [id, count] of counts) {
      const v = x[id]!;
      x[id] =
        (v > 0 ? v / r : v * r) -
        (params.presencePenalty ?? 0) -
        (params.frequencyPenalty ?? 0) * count;
    }
  }
  const t = params.temperature ?? 1;
  let m = Number.NEGATIVE_INFINITY;
  for (const v of x) if (v > m) m = v;
  const p = new Array<number>(n).fill(0);
  const live = x.filter((v) => v > Number.NEGATIVE_INFINITY).length;
  const infinite = x.filter((v) => v === Number.POSITIVE_INFINITY).length;
  if (infinite > 0)
    for (let i = 0; i < n; i++) p[i] = x[i] === Number.POSITIVE_INFINITY ? 1 / infinite : 0;
  else if (t === Number.POSITIVE_INFINITY)
    for (let i = 0; i < n; i++) p[i] = x[i]! > Number.NEGATIVE_INFINITY ? 1 / live : 0;
  else {
    let z = 0;
    for (let i = 0; i < n; i++) z += Math.exp((x[i]! - m) / t);
    for (let i = 0; i < n; i++) p[i] = Math.exp((x[i]! - m) / t) / z;
  }
  let ranked = [...x.keys()].filter((i) => x[i]! > Number.NEGATIVE_INFINITY);
  ranked.sort((a, b) => (x[a] === x[b] ? a - b : x[b]! > x[a]! ? 1 : -1));
  if (params.topK !== undefined) ranked = ranked.slice(0, params.topK);
  let topPMargin = Number.POSITIVE_INFINITY;
  if (params.topP !== undefined && params.topP < 1) {
    const mass = ranked.reduce((sum, i) => sum + p[i]!, 0);
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
    ranked = ranked.filter((i) =>
      infinite > 0 ? x[i] === Number.POSITIVE_INFINITY : (x[i]! - m) / t >= logMinP,
    );
  }
  const kept = new Set(ranked);
  const keptMass = ranked.reduce((sum, i) => sum + p[i]!, 0);
  const q = p.map((v, i) => (kept.has(i) ? v / keptMass : 0));
  const cumulative: number[] = [];
  let sum = 0;
  for (const v of q) {
    sum += v;
    cumulative.push(sum);
  }
  return { ranked, q, cumulative, topPMargin };
}

/** SPEC step 4: the first kept index with C_i > u * S, else the last kept index. */
export function referenceToken(distribution: ReferenceDistribution, u: number): number {
  const { cumulative, q, ranked } = distribution;
  const target = u * cumulative[cumulative.length - 1]!;
  for (let i = 0; i < cumulative.length; i++) if (q[i]! > 0 && cumulative[i]! > target) return i;
  return Math.max(...ranked);
}

/** The distance from u * S to the nearest C_i: within a backend's bound, another token is fair. */
export function drawMargin(distribution: ReferenceDistribution, u: number): number {
  const { cumulative } = distribution;
  const target = u * cumulative[cumulative.length - 1]!;
  let closest = Number.POSITIVE_INFINITY;
  for (const c of cumulative) closest = Math.min(closest, Math.abs(c - target));
  return closest;
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
