/**
 * The test model (a bigram table made from a fixed PRNG) and an independent float64 reference
 * of what SPEC says generation with it must produce: the kept sets of top-k / top-p / min-p and
 * the draw `u = uniformAt(seed, row, step)` against the cumulative `q` in index order. Shared by
 * the Node and the Chromium tests, so both compare with the same reference, not with each other's
 * output. No code shared with src/ except the published generator `uniformAt`.
 */
import { uniformAt } from '@softmax-kit/sampling';

/** Vocabulary size: above transformers.js's silent `top_k` default of 50, so its top-p leak shows. */
export const V = 64;

/** Token 0 is the end of text (also padding); the rest are `w1` .. `w63`. */
export const WORDS = ['<eos>', ...Array.from({ length: V - 1 }, (_, id) => `w${id + 1}`)];

/** mulberry32 (a fixed 32-bit PRNG), only to fill the table reproducibly. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The bigram logits `[V, V]`: a spread of about 8 nats per row (so top-p 0.6 keeps a handful of
 * tokens), and `<eos>` at -3 below the row's mean so sequences end now and then.
 */
export function bigramTable(seed = 20261207): Float32Array {
  const random = mulberry32(seed);
  const table = new Float32Array(V * V);
  for (let a = 0; a < V; a++) {
    for (let b = 0; b < V; b++) table[a * V + b] = Math.fround(random() * 8 - 4);
    table[a * V] = -6;
  }
  return table;
}

/** The table with NaN in the logits after `word` (at token `at`): a broken fp16 model. */
export function nanTable(word: number, at: number): Float32Array {
  const table = bigramTable();
  table[word * V + at] = Number.NaN;
  return table;
}

export interface Truncation {
  readonly temperature?: number;
  readonly topK?: number;
  readonly topP?: number;
  readonly minP?: number;
  readonly repetitionPenalty?: number;
  readonly presencePenalty?: number;
}

const rankings = new WeakMap<Float32Array, Map<number, Int32Array>>();

/** A table row's token ids by logit descending, ties by lower index (sorted once, cached). */
function baseRanking(table: Float32Array, row: number, size: number): Int32Array {
  let byRow = rankings.get(table);
  if (byRow === undefined) {
    byRow = new Map();
    rankings.set(table, byRow);
  }
  let ranking = byRow.get(row);
  if (ranking === undefined) {
    const values = table.subarray(row * size, (row + 1) * size);
    ranking = Int32Array.from({ length: size }, (_, index) => index).sort(
      (a, b) => values[b]! - values[a]! || a - b,
    );
    byRow.set(row, ranking);
  }
  return ranking;
}

/**
 * The float64 processed distribution `q` after token `previous` (SPEC steps 1-3: the penalties
 * over `history`, temperature, truncation), index order. `size` is the vocabulary (V by default);
 * a table of fewer rows is folded (row `previous mod rows`), as bigramModelFiles does.
 */
export function referenceQ(
  table: Float32Array,
  previous: number,
  params: Truncation,
  history: readonly number[] = [],
  size = V,
): number[] {
  const rows = table.length / size;
  const row = previous % rows;
  const x = Array.from(table.subarray(row * size, (row + 1) * size));
  for (const id of new Set(history)) {
    const r = params.repetitionPenalty ?? 1;
    x[id] = (x[id]! > 0 ? x[id]! / r : x[id]! * r) - (params.presencePenalty ?? 0);
  }
  const t = params.temperature ?? 1;
  const m = Math.max(...x);
  const p = x.map((v) => Math.exp((v - m) / t));
  const total = p.reduce((a, b) => a + b, 0);
  for (let i = 0; i < size; i++) p[i]! /= total;
  // Ranking: logit descending, ties by lower index. The table row's ranking is sorted once and
  // cached; the few tokens the penalties changed are taken out and merged back at their place.
  const before = (a: number, b: number) => x[a]! > x[b]! || (x[a] === x[b] && a < b);
  const penalised = new Set(
    (params.repetitionPenalty ?? 1) !== 1 || (params.presencePenalty ?? 0) !== 0 ? history : [],
  );
  const moved = [...penalised].sort((a, b) => (before(a, b) ? -1 : 1));
  let ranked: number[] = [];
  let next = 0;
  for (const index of baseRanking(table, row, size)) {
    if (penalised.has(index)) continue;
    while (next < moved.length && before(moved[next]!, index)) ranked.push(moved[next++]!);
    ranked.push(index);
  }
  ranked.push(...moved.slice(next));
  ranked = ranked.filter((index) => x[index]! > Number.NEGATIVE_INFINITY); // never kept
  if (params.topK !== undefined) ranked = ranked.slice(0, params.topK);
  if (params.topP !== undefined) {
    const mass = ranked.reduce((sum, i) => sum + p[i]!, 0);
    let sum = 0;
    let keep = 0;
    while (keep < ranked.length && (keep === 0 || sum < params.topP)) {
      sum += p[ranked[keep]!]! / mass;
      keep++;
    }
    ranked = ranked.slice(0, keep);
  }
  if (params.minP !== undefined) {
    const limit = Math.log(params.minP);
    const top = x[ranked[0]!]!;
    ranked = ranked.filter((i) => (x[i]! - top) / t >= limit);
  }
  const q = new Array<number>(size).fill(0);
  const mass = ranked.reduce((sum, i) => sum + p[i]!, 0);
  for (const i of ranked) q[i] = p[i]! / mass;
  return q;
}

/** SPEC's draw: the first index with cumulative `q` above `u` (index order). */
export function referenceDraw(q: readonly number[], u: number): number {
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < q.length; i++) {
    if (q[i]! === 0) continue;
    cumulative += q[i]!;
    last = i;
    if (cumulative > u) return i;
  }
  return last;
}

export interface ReferenceSequence {
  /** Prompt token ids (no padding). */
  readonly prompt: readonly number[];
  /** The key's seed and row: `(seed, row)`, or `(seed[row], 0)` for per-sequence seeds. */
  readonly seed: number;
  readonly row: number;
}

/**
 * The tokens a sequence must get: at each step the draw keyed `(seed, row, step)` with `step` the
 * tokens held, until `<eos>` (included) or `maxNew` tokens.
 */
export function referenceGeneration(
  table: Float32Array,
  sequence: ReferenceSequence,
  params: Truncation,
  maxNew: number,
  size = V,
): number[] {
  const held = [...sequence.prompt];
  const generated: number[] = [];
  while (generated.length < maxNew) {
    const q = referenceQ(table, held.at(-1)!, params, held, size);
    const token = referenceDraw(q, uniformAt(sequence.seed, sequence.row, held.length));
    held.push(token);
    generated.push(token);
    if (token === 0) break;
  }
  return generated;
}

/** Token ids of a space-separated prompt. */
export const ids = (text: string): number[] =>
  text.split(' ').map((word) => {
    const id = WORDS.indexOf(word);
    if (id < 0) throw new Error(`no word ${word}`);
    return id;
  });

/** The text of token ids as the tokenizer decodes it with skip_special_tokens. */
export const text = (tokens: readonly number[]): string =>
  tokens
    .filter((id) => id !== 0)
    .map((id) => WORDS[id])
    .join(' ');
