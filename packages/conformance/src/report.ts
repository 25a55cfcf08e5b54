/**
 * The conformance report: JSON-serialisable, written by `runConformance` callers to
 * `reports/conformance/<backend-id>.json` at the repo root (one file per backend and runtime;
 * `<backend-id>` is `<backend name>` in Node and `<backend name>-browser` in Chromium).
 * The CLI and the docs app read these files; keep changes additive and bump `reportVersion`.
 */

/**
 * The check groups: SPEC's last section plus the worked examples, in the order summaries show
 * them, and the order the groups run in (`resources` last). The one list every tool reads (CLI
 * flags, summary columns, the catalogue in `catalog.ts`).
 */
export const CHECK_GROUPS = [
  'examples',
  'accuracy',
  'stability',
  'invariance',
  'temperature',
  'consistency',
  'order',
  'determinism',
  'buffers',
  'sampling',
  'errors',
  'resources',
] as const;

/** One of {@link CHECK_GROUPS}. */
export type CheckGroup = (typeof CHECK_GROUPS)[number];

export type CaseStatus = 'pass' | 'fail' | 'skip';

export interface CaseResult {
  /** Stable id, e.g. `accuracy.softmax.float32.n=1000`. */
  id: string;
  group: CheckGroup;
  /** A sentence saying what is checked. */
  title: string;
  status: CaseStatus;
  /** Why it was skipped or how it failed. */
  reason?: string;
  /** Measured error (the largest over the case's inputs); null when the case is not numeric. */
  error: number | null;
  /** The bound the error must not exceed; null when not numeric. */
  bound: number | null;
  /** How the bound follows from eps and n, e.g. `(4 + 2|z|) eps + eps_out`, eps = 2^-24. */
  boundDerivation?: string;
  durationMs: number;
  /** True when the case ran past its time limit (it is then `'fail'`). */
  timedOut?: boolean;
  /**
   * True when the case failed without running: the backend could not load or initialise, or an
   * earlier case timed out ("not run after a timeout"). JUnit shows these as `<error>`.
   */
  notRun?: boolean;
}

export interface ConformanceReport {
  reportVersion: 1;
  /** Backend name as the backend reports it (e.g. `ts`, `tfjs-wasm`). */
  backend: string;
  /**
   * `'pass'` when no case failed and at least one passed; `'skip'` only when the backend said
   * `BACKEND_UNAVAILABLE` (or, from the command, its package is not installed and it was not
   * asked for by name); `'fail'` otherwise.
   */
  status: CaseStatus;
  /** Why the whole backend was skipped (e.g. BACKEND_UNAVAILABLE message). */
  reason?: string;
  /** The backend's measured capabilities; null when it could not load. */
  capabilities: {
    dtypes: string[];
    computePrecision: Record<string, string>;
    sync: boolean;
    device: string;
    /** The split thresholds the backend declared (`capabilities.splitsAt`), when it did. */
    splitsAt?: { count: 'elements' | 'rows' | 'cols'; at: number; what?: string }[];
    details?: Record<string, string | number | boolean>;
  } | null;
  environment: {
    /** `'node'` or `'browser'`. */
    runtime: 'node' | 'browser';
    /** e.g. `node v20.20.2` or the browser's user agent. */
    runtimeVersion: string;
    platform: string;
    /** Versions of @softmax-kit packages and peers involved (name -> version). */
    versions: Record<string, string>;
  };
  seed: number;
  sizes: number[];
  /**
   * The profile the run used (`'fast'` or `'full'`): the sizes of the real-size cases
   * (`accuracy.batch.*`, `accuracy.split.*`). Absent in reports written before profiles existed.
   */
  profile?: 'fast' | 'full';
  /** The time limits the run used, in ms (absent in reports written before they existed). */
  timeLimits?: { initMs: number; caseMs: number; runMs: number };
  startedAt: string;
  durationMs: number;
  summary: { pass: number; fail: number; skip: number };
  cases: CaseResult[];
}
