import type { BenchOp } from './bench/ops.js';

/**
 * The benchmark report: written by `softmax-kit bench --json F` and by `softmax-kit compare` to
 * `reports/bench/bench.json` at the repo root (and `reports/bench/bench-browser.json` for a run in
 * the browser). The docs app reads it; keep changes additive and bump `reportVersion`.
 */
export interface BenchResult {
  /** A backend name (`ts`, `tfjs-cpu`, ...) or a peer id (`peer:naive-js`, `peer:tfjs-wasm`,
   *  `peer:onnxruntime-node`, `peer:transformers.js`, `baseline:copy`). */
  subject: string;
  kind: 'backend' | 'peer' | 'baseline';
  /** e.g. `32x1k`. */
  size: string;
  rows: number;
  cols: number;
  dtype: 'float32' | 'float64';
  /** Nanoseconds per element: median, 10th and 90th percentile over the samples. */
  nsPerElement: { median: number; p10: number; p90: number };
  /** Median microseconds per call. */
  usPerCall: number;
  samples: number;
  /** median ns/element divided by the fastest subject's median at this size. */
  ratioToFastest: number;
  /** median ns/element divided by the copy baseline's median at this size. */
  ratioToCopy: number;
  /** Set when this subject could not run at this size (its numbers are then NaN, null in JSON). */
  skipped?: string;
}

export interface BenchSubjectInfo {
  subject: string;
  kind: 'backend' | 'peer' | 'baseline';
  /** Cold start: createSoftmax(...) / peer session creation until the first result, ms. */
  coldStartMs: number | null;
  /** Per-call fixed cost: median us of a 1x1 call. */
  fixedCostUs: number | null;
  memory: { peakRssMb: number | null; heapGrowthMb: number | null };
  /** Why the subject could not run at all (BACKEND_UNAVAILABLE message, missing package). */
  unavailable?: string;
  version?: string;
}

export interface BenchReport {
  reportVersion: 1;
  startedAt: string;
  durationMs: number;
  /** The harness and its settings, e.g. `tinybench 6.2.3, time 200 ms, warmup 50 ms`. */
  harness: string;
  quick: boolean;
  /** The op every subject computed (`--op`, optional and additive: absent in older reports, which
   *  are softmax). Sizes and ns per element count input entries, also for logSumExp. */
  op?: BenchOp;
  environment: {
    runtime: 'node' | 'browser';
    runtimeVersion: string;
    cpu: string;
    cores: number;
    platform: string;
    versions: Record<string, string>;
    /**
     * Browser runs (optional, additive): the GPU the browser reported (WebGL's unmasked
     * renderer), e.g. `ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))`; null when no
     * WebGL. SwiftShader is a software renderer: webgl/webgpu numbers are then not a GPU's.
     */
    device?: string | null;
  };
  subjects: BenchSubjectInfo[];
  results: BenchResult[];
  /** Added by the CLI (optional, additive): the performance goals judged on this run. */
  goals?: BenchGoal[];
  /** Added by `compare` (optional, additive): our own checks on each library, ours and peers. */
  peerChecks?: PeerCheck[];
}

/**
 * Our own checks on one library (a softmax-kit backend or a peer): accuracy, edge rows, install
 * size. What a faster peer costs, measured rather than claimed.
 */
export interface PeerCheck {
  /** The bench subject it belongs to, e.g. `peer:onnxruntime-node` or `wasm`. */
  subject: string;
  /** The npm package a user installs. */
  package: string;
  version: string | null;
  /** Bytes on disk of the package and its dependencies as installed; null if not installed. */
  installBytes: number | null;
  installPackages: number | null;
  /** Whether the install holds a native addon (`.node`). */
  native: boolean | null;
  /** Largest relative error of a float32 softmax of seeded logits, by row length. */
  maxRelativeError: Record<string, number>;
  /** What it returns for each edge row: `NaN`, its values, or `error CODE`. */
  edges: Record<string, string>;
  /**
   * The same checks on logSoftmax and logSumExp (optional, additive): error relative to the terms
   * (SPEC's measure for the log ops) by row length, and the edge rows; `unavailable` when the
   * library has no such op (transformers.js has no log-sum-exp).
   */
  ops?: Partial<Record<Exclude<BenchOp, 'softmax'>, PeerOpCheck>>;
  /** Why it could not be checked. */
  unavailable?: string;
}

/** One op's checks on one library (see {@link PeerCheck}'s `ops`). */
export interface PeerOpCheck {
  /** Largest error of a float32 result against the float64 reference, by row length. */
  maxError: Record<string, number>;
  edges: Record<string, string>;
  /** Why the op could not be checked (not in the library, or it threw on regular input). */
  unavailable?: string;
}

/** One performance goal judged on a run's medians (added by the CLI; optional in reports). */
export interface BenchGoal {
  /** e.g. `ts-3x-naive@32x1k`. */
  id: string;
  subject: string;
  /** The subject it is compared with, e.g. `peer:naive-js`. */
  reference: string;
  size: string;
  /** What the speed-up must be, e.g. `>= 3x`. */
  target: string;
  /** Speed-up: reference median / subject median (> 1: the subject is faster); null if not measured. */
  ratio: number | null;
  /** Whether the target is met; null when either side was not measured. */
  met: boolean | null;
}
