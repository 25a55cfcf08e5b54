/**
 * The backend verdict: from one or more bench reports of one runtime, which backend to use at
 * each size, merged into ranges, and one sentence a user can act on. Pure (no `node:` imports):
 * `softmax-kit compare`, `pnpm start` and the docs site (in the browser) all call it.
 *
 * The rule, written on the site as {@link DECISION_RULE}:
 * 1. Candidates are the built-in backends in install-cost order (`ts`: no dependencies; `wasm`;
 *    `wasm-threads`, which also needs worker threads; the TensorFlow.js devices), minus those
 *    that fail or skipped conformance on this runtime.
 * 2. Per size, each candidate's median is the middle of its runs' medians, and its spread is
 *    the widest of its runs' p90/p10 ratios and of the ratio between its slowest and fastest run
 *    median (at least {@link MIN_MARGIN}: quick runs understate the noise of a shared machine).
 * 3. Sizes are ordered by elements per call. A candidate is beaten by another from the smallest
 *    size where the other's median is faster by more than the larger of the two spreads, there
 *    and on average (geometric, of speed-up over margin) over all larger sizes. At each size the
 *    pick is the cheapest candidate not beaten there: within the spread the smaller install
 *    wins, and a faster kernel wins from some size up, never at one noisy size in the middle.
 * 4. Consecutive sizes with the same pick merge into ranges; the sentence names the pick of
 *    the most sizes and the others by range of elements per call.
 */
import { BUILTIN_BACKENDS, type BuiltinBackend } from '@softmax-kit/conformance/backends';
import type { BenchReport, BenchResult, PeerCheck } from '../bench-report.js';

/** Where the verdict applies. */
export type VerdictRuntime = 'node' | 'browser';

/**
 * The smallest margin a faster backend must show. On this project's shared 2-core machines,
 * three quick runs of `bench --peers` (2026-12-07) moved one subject's median by up to 1.49x at
 * one size (ts at 1x1M: 3.36 vs 4.99 ns/element) while each run's p90/p10 there said 1.0-1.5x:
 * a single quick run understates the noise, so no margin is taken below this.
 */
export const MIN_MARGIN = 1.5;

/** The rule in words, for the page and the terminal. */
export const DECISION_RULE =
  `A backend replaces a cheaper one from the size where its median time is faster by more than ` +
  `the measured spread (the wider p90/p10 of the two, or of their medians over several runs; ` +
  `at least ${MIN_MARGIN}x, this machine's run-to-run noise), at that size and at more than ` +
  `half of the sizes from there up. Within the spread the smaller install and fewer dependencies win: ts (none), ` +
  `then wasm, then wasm with threads, then TensorFlow.js. Sizes with the same pick merge into ` +
  `ranges of elements per call.`;

/** One subject at one size, pooled over the runs. */
export interface Pooled {
  /** Middle of the runs' medians, ns per element. */
  median: number;
  /** Lowest p10 and highest p90 over the runs. */
  p10: number;
  p90: number;
  /** The relative spread used by the rule: >= {@link MIN_MARGIN}. */
  spread: number;
  runs: number;
}

export interface SizeChoice {
  size: string;
  elements: number;
  /** The backend to use at this size; null when no candidate was measured. */
  pick: string | null;
  pickStats: Pooled | null;
  /** The fastest candidate, when it is not the pick (it did not beat the pick by the spread). */
  fastest: { backend: string; stats: Pooled } | null;
  /** Peers faster than the pick by more than the spread, with the speed-up (pick / peer). */
  fasterPeers: { peer: string; ratio: number; stats: Pooled }[];
}

export interface PickRange {
  pick: string | null;
  sizes: string[];
  fromElements: number;
  toElements: number;
}

export interface RuntimeVerdict {
  runtime: VerdictRuntime;
  /** How many reports were pooled. */
  runs: number;
  quick: boolean;
  sizes: SizeChoice[];
  ranges: PickRange[];
  /** One sentence, e.g. ``Node: `wasmBackend()`; `tsBackend()` below 1k elements per call.`` */
  sentence: string;
  /** One sentence on the peers that beat the pick, or null when none did. */
  peerSentence: string | null;
  /** Our sampler against transformers.js's top-k, when both were measured. */
  sampling: SamplingChoice[];
  samplingSentence: string | null;
  /** The device a browser run used, in words (`describeDevice`); null for Node or when unknown. */
  device: string | null;
  /** Our own checks on ours and the peers (accuracy, edge rows, install), when the run has them. */
  peerChecks: PeerCheck[];
}

export interface VerdictInputs {
  runtime: VerdictRuntime;
  /** One or more bench reports of this runtime on one machine (float32 results are used). */
  reports: readonly BenchReport[];
  /** Backends that may not be picked here, with why (failed or skipped conformance). */
  excluded?: Readonly<Record<string, string>>;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/**
 * A subject's results at one size over the runs, pooled; null when no run measured it.
 *
 * @example
 * ```ts
 * pool([resultOfRun1, resultOfRun2, resultOfRun3]); // { median, p10, p90, spread, runs: 3 }
 * ```
 */
export function pool(results: readonly (BenchResult | undefined)[]): Pooled | null {
  const measured = results.filter(
    (result): result is BenchResult =>
      result !== undefined && result.skipped === undefined && result.nsPerElement.median > 0,
  );
  if (measured.length === 0) return null;
  const medians = measured.map((result) => result.nsPerElement.median);
  const p10 = Math.min(...measured.map((result) => result.nsPerElement.p10));
  const p90 = Math.max(...measured.map((result) => result.nsPerElement.p90));
  const withinRun = Math.max(
    ...measured.map((result) =>
      result.nsPerElement.p10 > 0 ? result.nsPerElement.p90 / result.nsPerElement.p10 : 1,
    ),
  );
  const betweenRuns = Math.max(...medians) / Math.min(...medians);
  return {
    median: median(medians),
    p10,
    p90,
    spread: Math.max(MIN_MARGIN, withinRun, betweenRuns),
    runs: measured.length,
  };
}

/**
 * Whether `a` is faster than `b` by more than either one's spread.
 *
 * @example
 * ```ts
 * beats(wasmAt32k, tsAt32k); // true when wasm's median is, say, 2x faster and both spreads < 2x
 * ```
 */
export function beats(a: Pooled, b: Pooled): boolean {
  return b.median / a.median > margin(a, b);
}

/**
 * The speed-up `a` must show over `b` to count: the larger of their spreads.
 *
 * @example
 * ```ts
 * margin(wasmAt32k, tsAt32k); // 1.5 when both spreads are below the floor
 * ```
 */
export function margin(a: Pooled, b: Pooled): number {
  return Math.max(a.spread, b.spread);
}

/**
 * Whether a peer's median is faster than the pick's by more than the pick's spread. The peer's
 * own spread is reported, not required: a multi-threaded peer such as onnxruntime-node has a
 * long slow tail on a shared machine, but its typical call is what a user would weigh.
 *
 * @example
 * ```ts
 * peerBeats(onnxAt32k, wasmAt32k); // true when onnxruntime-node's median is 2x faster
 * ```
 */
export function peerBeats(peer: Pooled, pick: Pooled): boolean {
  return pick.median / peer.median > Math.max(MIN_MARGIN, pick.spread);
}

/** The built-in backend named `name`, or undefined. */
const builtin = (name: string): BuiltinBackend | undefined =>
  BUILTIN_BACKENDS.find((backend) => backend.name === name);

/**
 * How a user creates the backend: `wasmBackend({ threads: 2 })`, `tfjsBackend({ device: 'wasm' })`.
 *
 * @example
 * ```ts
 * factoryCall('wasm-threads'); // 'wasmBackend({ threads: 2 })'
 * ```
 */
export function factoryCall(name: string): string {
  const backend = builtin(name);
  if (!backend) return name;
  const options = Object.entries(backend.options ?? {})
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? `'${value}'` : String(value)}`)
    .join(', ');
  return `${backend.factory}(${options ? `{ ${options} }` : ''})`;
}

/**
 * Elements per call in the bench's units: `10`, `1k`, `32k`, `4M` (k = 1024, M = 1024^2).
 *
 * @example
 * ```ts
 * formatElements(32 * 1024); // '32k'
 * ```
 */
export function formatElements(elements: number): string {
  if (elements >= 1024 * 1024 && elements % (1024 * 1024) === 0) {
    return `${elements / (1024 * 1024)}M`;
  }
  if (elements >= 1024 && elements % 1024 === 0) return `${elements / 1024}k`;
  return String(elements);
}

/** A report's sizes, fewest elements first (ties: fewer rows first). */
function sizesOf(reports: readonly BenchReport[]): { size: string; elements: number }[] {
  const sizes = new Map<string, { elements: number; rows: number }>();
  for (const report of reports) {
    for (const result of report.results) {
      if (result.dtype !== 'float32') continue;
      sizes.set(result.size, { elements: result.rows * result.cols, rows: result.rows });
    }
  }
  return [...sizes.entries()]
    .sort((a, b) => a[1].elements - b[1].elements || a[1].rows - b[1].rows)
    .map(([size, { elements }]) => ({ size, elements }));
}

/** Plain backends measured in the reports, in install-cost order (built-ins first, as listed). */
function candidates(reports: readonly BenchReport[], excluded: Readonly<Record<string, string>>) {
  const measured = new Set<string>();
  for (const report of reports) {
    for (const subject of report.subjects) {
      // `kernel:ts`, `sampling:ts:...` measure something else on a backend.
      // `wasm-zero-copy` needs arrays from `backend.allocate`: a usage of wasm, not a backend.
      if (
        subject.kind === 'backend' &&
        !subject.subject.includes(':') &&
        !subject.subject.endsWith('-zero-copy')
      ) {
        measured.add(subject.subject);
      }
    }
  }
  const order = BUILTIN_BACKENDS.map((backend) => backend.name);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...measured]
    .filter((name) => excluded[name] === undefined)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Softmax peers (not samplers, not the naive reference loop nor the copy baseline). */
function peersOf(reports: readonly BenchReport[]): string[] {
  const peers = new Set<string>();
  for (const report of reports) {
    for (const subject of report.subjects) {
      if (
        subject.kind === 'peer' &&
        subject.subject !== 'peer:naive-js' &&
        !subject.subject.includes('sampler') &&
        !subject.subject.includes('top-k')
      ) {
        peers.add(subject.subject);
      }
    }
  }
  return [...peers];
}

const resultOf = (report: BenchReport, subject: string, size: string) =>
  report.results.find(
    (result) => result.subject === subject && result.size === size && result.dtype === 'float32',
  );

/**
 * Per size: the pick, the fastest candidate when different, and the peers that beat the pick.
 * Candidates take over in install-cost order, each from the smallest size at and above which it
 * beats the pick at every measured size: a faster kernel wins at large sizes, a smaller install
 * and a lower fixed cost at small ones, and one noisy size cannot put a backend in the middle.
 */
function chooseSizes(inputs: VerdictInputs): SizeChoice[] {
  const names = candidates(inputs.reports, inputs.excluded ?? {});
  const peers = peersOf(inputs.reports);
  const sizes = sizesOf(inputs.reports);
  const stats = (subject: string, size: string) =>
    pool(inputs.reports.map((report) => resultOf(report, subject, size)));
  const table = new Map(
    names.map((name) => [name, sizes.map(({ size }) => stats(name, size))] as const),
  );
  // beatenFrom.get(b).get(c): the size index from which c beats b (sizes.length: never).
  const beatenFrom = new Map(
    names.map((b) => {
      const mine = table.get(b) ?? [];
      const row = new Map<string, number>();
      for (const c of names) {
        if (c === b) continue;
        const theirs = table.get(c) ?? [];
        row.set(
          c,
          takeoverIndex(
            sizes.map((_, index) => {
              const incumbent = mine[index];
              const challenger = theirs[index];
              if (!incumbent || !challenger) return null;
              return Math.log(incumbent.median / challenger.median / margin(challenger, incumbent));
            }),
          ),
        );
      }
      return [b, row] as const;
    }),
  );
  const picks = sizes.map((_, index): string | null => {
    const measured = names.filter((name) => table.get(name)?.[index]);
    const unbeaten = measured.find((b) =>
      measured.every((c) => c === b || (beatenFrom.get(b)?.get(c) ?? sizes.length) > index),
    );
    if (unbeaten !== undefined) return unbeaten;
    // A cycle of "beats" (possible only in theory with averaged margins): the fastest.
    let fastest: string | null = null;
    for (const name of measured) {
      const value = table.get(name)?.[index];
      const best = fastest === null ? undefined : table.get(fastest)?.[index];
      if (value && (!best || value.median < best.median)) fastest = name;
    }
    return fastest;
  });
  return sizes.map(({ size, elements }, index): SizeChoice => {
    const pick = picks[index] ?? null;
    const pickStats = pick === null ? null : (table.get(pick)?.[index] ?? null);
    if (pick === null || pickStats === null) {
      return { size, elements, pick: null, pickStats: null, fastest: null, fasterPeers: [] };
    }
    let fastest: { backend: string; stats: Pooled } | null = null;
    for (const name of names) {
      const value = table.get(name)?.[index];
      if (value && value.median < (fastest?.stats.median ?? pickStats.median)) {
        fastest = { backend: name, stats: value };
      }
    }
    const fasterPeers = peers
      .map((peer) => ({ peer, stats: stats(peer, size) }))
      .filter(
        (item): item is { peer: string; stats: Pooled } =>
          item.stats !== null && peerBeats(item.stats, pickStats),
      )
      .map((item) => ({ ...item, ratio: pickStats.median / item.stats.median }));
    return { size, elements, pick, pickStats, fastest, fasterPeers };
  });
}

/**
 * The smallest size index at which a challenger beats the pick by more than the margin there
 * and at more than half of that size and the larger ones, two sizes at least (`excess` is log(speed-up / margin)
 * per size, positive where it wins); `excess.length` when there is none. Null entries (not
 * measured) are left out. A count, not a mean: one size where the challenger happens to be 4x
 * faster must not carry sizes where it ties.
 *
 * @example
 * ```ts
 * takeoverIndex([-1, 0.5, 0.5, 0.5]); // 1
 * ```
 */
export function takeoverIndex(excess: readonly (number | null)[]): number {
  const measured = excess.filter((value) => value !== null && value !== undefined).length;
  // A range is at least two sizes (when two were measured): the largest size alone, often the
  // one with the fewest samples, does not make a recommendation.
  const least = Math.min(2, measured);
  let wins = 0;
  let counted = 0;
  let from = excess.length;
  for (let index = excess.length - 1; index >= 0; index--) {
    const value = excess[index];
    if (value === null || value === undefined) continue;
    counted += 1;
    if (value > 0) wins += 1;
    if (value > 0 && wins * 2 > counted && counted >= least) from = index;
  }
  return from;
}

/** Consecutive sizes with the same pick. */
function mergeRanges(sizes: readonly SizeChoice[]): PickRange[] {
  const ranges: PickRange[] = [];
  for (const choice of sizes) {
    const last = ranges.at(-1);
    if (last && last.pick === choice.pick) {
      last.sizes.push(choice.size);
      last.toElements = choice.elements;
    } else {
      ranges.push({
        pick: choice.pick,
        sizes: [choice.size],
        fromElements: choice.elements,
        toElements: choice.elements,
      });
    }
  }
  return ranges;
}

/** Where a range lies, in elements per call, relative to its neighbours. */
function rangePhrase(ranges: readonly PickRange[], index: number): string {
  const range = ranges[index] as PickRange;
  const next = ranges[index + 1];
  if (index === 0 && next) return `below ${formatElements(next.fromElements)} elements per call`;
  if (!next) return `from ${formatElements(range.fromElements)} elements per call`;
  return range.fromElements === range.toElements
    ? `at ${formatElements(range.fromElements)} elements per call (${range.sizes.join(', ')})`
    : `from ${formatElements(range.fromElements)} to ${formatElements(range.toElements)} elements per call`;
}

/** What a user gives up by not taking the pick: `WebAssembly`, `TensorFlow.js`. */
function fallbackReason(pick: string): string | null {
  if (pick.startsWith('wasm')) return 'where you cannot ship WebAssembly';
  if (pick.startsWith('tfjs')) return 'without TensorFlow.js';
  return null;
}

function sentenceOf(runtime: VerdictRuntime, ranges: readonly PickRange[]): string {
  const where = runtime === 'node' ? 'Node' : 'Browser';
  const picked = ranges.filter((range) => range.pick !== null);
  if (picked.length === 0) return `${where}: no backend measured yet; use \`tsBackend()\`.`;
  // The main pick covers the most sizes (ties: the cheaper one, named first in its family).
  const counts = new Map<string, number>();
  for (const range of picked) {
    counts.set(range.pick as string, (counts.get(range.pick as string) ?? 0) + range.sizes.length);
  }
  const order = BUILTIN_BACKENDS.map((backend) => backend.name);
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  let main = picked[0]?.pick as string;
  for (const range of picked) {
    const name = range.pick as string;
    const count = counts.get(name) ?? 0;
    const best = counts.get(main) ?? 0;
    if (count > best || (count === best && rank(name) < rank(main))) main = name;
  }
  if (picked.length === 1 && ranges.length === 1) {
    const fallback = fallbackReason(main);
    return `${where}: \`${factoryCall(main)}\` at every size measured${
      fallback ? `; \`${factoryCall('ts')}\` ${fallback}` : ''
    }.`;
  }
  const clauses: string[] = [];
  const fallback = fallbackReason(main);
  let tsNamed = false;
  ranges.forEach((range, index) => {
    if (range.pick === main) return;
    const phrase = rangePhrase(ranges, index);
    if (range.pick === null) {
      clauses.push(`nothing measured ${phrase}`);
      return;
    }
    const isTs = range.pick === 'ts';
    tsNamed ||= isTs;
    clauses.push(
      `\`${factoryCall(range.pick)}\` ${phrase}${isTs && fallback ? `, or ${fallback}` : ''}`,
    );
  });
  if (!tsNamed && fallback && main !== 'ts') clauses.push(`\`${factoryCall('ts')}\` ${fallback}`);
  return `${where}: \`${factoryCall(main)}\`${clauses.length ? `; ${clauses.join('; ')}` : ''}.`;
}

/** What a user would call each softmax peer, in the order the verdict names them. */
export const PEER_LABELS: Readonly<Record<string, string>> = {
  'peer:onnxruntime-node': 'onnxruntime-node (native)',
  'peer:tfjs-wasm': 'raw `tf.softmax` on tfjs-wasm',
  'peer:tfjs-cpu': 'raw `tf.softmax` on tfjs-cpu',
  'peer:transformers.js': "transformers.js's `softmax`",
};

/** `peer:onnxruntime-node` -> `onnxruntime-node (native)`; unknown ids lose their prefix. */
export const peerLabel = (peer: string) => PEER_LABELS[peer] ?? peer.replace(/^peer:/, '');

/**
 * The peers that beat the pick at some size, by name only: which sizes and by how much move
 * with the noise (they are in `sizes`), whether a peer is faster somewhere does not.
 */
function peerSentenceOf(sizes: readonly SizeChoice[]): string | null {
  const faster = new Set(sizes.flatMap((choice) => choice.fasterPeers.map((item) => item.peer)));
  if (faster.size === 0) return null;
  const known = Object.keys(PEER_LABELS);
  const rank = (peer: string) => (known.includes(peer) ? known.indexOf(peer) : known.length);
  const names = [...faster].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return `Faster than that at some sizes (median, by more than the spread): ${names
    .map(peerLabel)
    .join(', ')}.`;
}

/** The sampler subjects compared in the sampling verdict: ours and transformers.js's top-k. */
export const SAMPLING_SUBJECTS = {
  ours: 'sampling:ts:top-k-50',
  peer: 'peer:transformers.js-top-k-50',
} as const;

/** Sampling at one size: our top-k 50 against transformers.js's, pooled over the runs. */
export interface SamplingChoice {
  size: string;
  ours: Pooled;
  peer: Pooled;
  /** ours / peer median: above 1 the peer is faster. */
  ratio: number;
}

function samplingOf(reports: readonly BenchReport[]): {
  sizes: SamplingChoice[];
  sentence: string | null;
} {
  const sizes = sizesOf(reports).flatMap(({ size }): SamplingChoice[] => {
    const ours = pool(reports.map((report) => resultOf(report, SAMPLING_SUBJECTS.ours, size)));
    const peer = pool(reports.map((report) => resultOf(report, SAMPLING_SUBJECTS.peer, size)));
    return ours && peer ? [{ size, ours, peer, ratio: ours.median / peer.median }] : [];
  });
  if (sizes.length === 0) return { sizes, sentence: null };
  const faster = sizes.filter((item) => item.ratio > margin(item.ours, item.peer));
  const slower = sizes.filter((item) => 1 / item.ratio > margin(item.ours, item.peer));
  const span = `${sizes[0]?.size} to ${sizes.at(-1)?.size}`;
  const sentence =
    faster.length === sizes.length
      ? `Sampling (top-k 50, one row, ${span}): transformers.js's top-k is faster at every size measured; @softmax-kit/sampling gives seeded, reproducible draws, top-p, min-p and penalties on any backend.`
      : slower.length === sizes.length
        ? `Sampling (top-k 50, one row, ${span}): @softmax-kit/sampling is faster than transformers.js's top-k at every size measured.`
        : `Sampling (top-k 50, one row, ${span}): @softmax-kit/sampling and transformers.js's top-k are within the spread of each other at some sizes.`;
  return { sizes, sentence };
}

/**
 * The verdict for one runtime from one or more bench reports of one machine.
 *
 * @example
 * ```ts
 * const node = decideRuntime({ runtime: 'node', reports: [run1, run2, run3] });
 * console.log(node.sentence); // Node: `wasmBackend()`; `tsBackend()` below 1k elements per call, ...
 * ```
 */
export function decideRuntime(inputs: VerdictInputs): RuntimeVerdict {
  const sizes = chooseSizes(inputs);
  const ranges = mergeRanges(sizes);
  const sampling = samplingOf(inputs.reports);
  return {
    runtime: inputs.runtime,
    runs: inputs.reports.length,
    quick: inputs.reports.some((report) => report.quick),
    sizes,
    ranges,
    sentence: sentenceOf(inputs.runtime, ranges),
    peerSentence: peerSentenceOf(sizes),
    sampling: sampling.sizes,
    samplingSentence: sampling.sentence,
    device: describeDevice(
      inputs.reports.find((report) => report.environment.device)?.environment.device,
    ),
    peerChecks: inputs.reports.find((report) => report.peerChecks)?.peerChecks ?? [],
  };
}

/**
 * What a browser report's device means for its numbers: SwiftShader (Chromium's software
 * renderer, what headless Chromium uses without a GPU) is named as such, since its webgl and
 * webgpu figures say nothing about a real GPU. Null when the report names no device.
 *
 * @example
 * ```ts
 * describeDevice('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)');
 * // 'SwiftShader: a software renderer, not your GPU (webgl and webgpu ran on the CPU)'
 * ```
 */
export function describeDevice(device: string | null | undefined): string | null {
  if (!device) return null;
  if (/swiftshader/i.test(device)) {
    return 'SwiftShader: a software renderer, not your GPU (webgl and webgpu ran on the CPU)';
  }
  return `GPU: ${device}`;
}

/** `302 MB`, `253 kB`: bytes in the units a user reads an install size in (1 MB = 10^6 bytes). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${Number((bytes / 1e6).toPrecision(3))} MB`;
  return `${Number((bytes / 1e3).toPrecision(3))} kB`;
}

/**
 * What choosing a library costs, from our own checks: native or not, install size, float32
 * error at the longest row checked, and what it returns for each edge row that is not what
 * softmax-kit's contract gives.
 *
 * @example
 * ```ts
 * peerFacts(onnxCheck); // 'native, 302 MB installed (17 packages); float32 error 5.8e-5 at 1M; NaN for: ...'
 * ```
 */
export function peerFacts(check: PeerCheck): string {
  if (check.unavailable) return `not checked (${check.unavailable.split('\n')[0]})`;
  const parts: string[] = [];
  if (check.native !== null) parts.push(check.native ? 'native addon' : 'no native code');
  if (check.installBytes !== null) {
    parts.push(
      `${formatBytes(check.installBytes)} installed (${check.installPackages} package${check.installPackages === 1 ? '' : 's'})`,
    );
  }
  const lengths = Object.keys(check.maxRelativeError).sort((a, b) => Number(a) - Number(b));
  const longest = lengths.at(-1);
  if (longest !== undefined) {
    const error = check.maxRelativeError[longest] as number;
    parts.push(
      `float32 error ${error.toExponential(1)} at ${formatElements(Number(longest))} entries`,
    );
  }
  const nan = Object.entries(check.edges)
    .filter(([, result]) => result === 'NaN')
    .map(([edge]) => edge);
  if (nan.length > 0) parts.push(`NaN for: ${nan.join('; ')}`);
  return parts.join('; ');
}
