/**
 * An independent float64 reference of SPEC's "Sampling (v1)", written plainly (a full sort, no
 * histograms, no shared code with src/ except the generator's `u`, which the tests check
 * against published vectors on its own): what the sampler's draws are compared with.
 */
export interface ReferenceParams {
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  bias?: readonly number[];
  allowed?: readonly number[];
  history?: readonly number[];
  repetition?: number;
  presence?: number;
  frequency?: number;
}

export interface ReferenceRow {
  processed: number[];
  /** Kept token ids in ranking order. */
  ranked: number[];
  q: number[];
  /** C_i in index order and S. */
  cumulative: number[];
  total: number;
}

export function referenceRow(logits: readonly number[], params: ReferenceParams): ReferenceRow {
  const n = logits.length;
  const x = logits.slice();
  if (params.bias)
    for (let i = 0; i < n; i++)
      x[i] = params.bias[i] === -Infinity ? -Infinity : x[i]! + params.bias[i]!;
  if (params.allowed) {
    const allowed = new Set(params.allowed);
    for (let i = 0; i < n; i++) if (!allowed.has(i)) x[i] = -Infinity;
  }
  if (params.history) {
    const counts = new Map<number, number>();
    for (const id of params.history) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, count] of counts) {
      let v = x[id]!;
      const r = params.repetition ?? 1;
      v = v > 0 ? v / r : v * r;
      x[id] = v - (params.presence ?? 0) - (params.frequency ?? 0) * count;
    }
  }
  const t = params.temperature ?? 1;
  const m = Math.max(...x);
  const p = new Array<number>(n).fill(0);
  if (m === Infinity) {
    const k = x.filter((v) => v === Infinity).length;
    for (let i = 0; i < n; i++) p[i] = x[i] === Infinity ? 1 / k : 0;
  } else if (t === Infinity) {
    const k = x.filter((v) => v > -Infinity).length;
    for (let i = 0; i < n; i++) p[i] = x[i]! > -Infinity ? 1 / k : 0;
  } else {
    let z = 0;
    for (let i = 0; i < n; i++) z += Math.exp((x[i]! - m) / t);
    for (let i = 0; i < n; i++) p[i] = Math.exp((x[i]! - m) / t) / z;
  }
  let ranked = [...x.keys()].filter((i) => x[i]! > -Infinity);
  ranked.sort((a, b) => (x[a] === x[b] ? a - b : x[b]! > x[a]! ? 1 : -1));
  if (params.topK !== undefined) ranked = ranked.slice(0, params.topK);
  if (params.topP !== undefined && params.topP < 1) {
    const mass = ranked.reduce((sum, i) => sum + p[i]!, 0);
    let cum = 0;
    let length = ranked.length;
    for (let k = 0; k < ranked.length; k++) {
      cum += p[ranked[k]!]! / mass;
      if (cum >= params.topP) {
        length = k + 1;
        break;
      }
    }
    ranked = ranked.slice(0, length);
  }
  if (params.minP !== undefined && params.minP > 0) {
    const logMinP = Math.log(params.minP);
    ranked = ranked.filter((i) =>
      m === Infinity ? x[i] === Infinity : (x[i]! - m) / t >= logMinP,
    );
  }
  const kept = new Set(ranked);
  const keptMass = ranked.reduce((sum, i) => sum + p[i]!, 0);
  const q = p.map((v, i) => (kept.has(i) ? v / keptMass : 0));
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += q[i]!;
    cumulative.push(sum);
  }
  return { processed: x, ranked, q, cumulative, total: sum };
}

/** The reference token for `u`: first index with C_i > u * S, else the last kept index. */
export function referenceToken(row: ReferenceRow, u: number): number {
  const target = u * row.total;
  for (let i = 0; i < row.cumulative.length; i++)
    if (row.cumulative[i]! > target && row.q[i]! > 0) return i;
  return Math.max(...row.ranked);
}

/** Distance of u * S from the nearest C_i (how close the draw came to another token). */
export function drawMargin(row: ReferenceRow, u: number): number {
  const target = u * row.total;
  let closest = Infinity;
  for (const c of row.cumulative) closest = Math.min(closest, Math.abs(c - target));
  return closest;
}

/** A small seeded generator for test data (mulberry32). */
export function testRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
