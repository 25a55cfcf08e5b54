/**
 * The runner's time limits (SPEC, "What the conformance suite checks"): on the backend's
 * initialisation, on every case and on the whole run. Framework-free and browser-safe.
 */

/** Time limits of one run, in milliseconds. */
export interface TimeLimits {
  /** `createSoftmax(backend)`, i.e. the backend's `doInit` (and loading, in the command). */
  readonly initMs: number;
  /** Each case, and the final `dispose()`. */
  readonly caseMs: number;
  /** The whole run of one backend. */
  readonly runMs: number;
}

/**
 * Defaults sized for software renderers (SwiftShader webgl, tfjs-wasm without SIMD): the slowest
 * case (accuracy at n = 10^6) takes seconds there, a hung one never ends.
 */
export const DEFAULT_TIME_LIMITS: TimeLimits = {
  initMs: 60_000,
  caseMs: 60_000,
  runMs: 30 * 60_000,
};

/**
 * Fills missing limits with {@link DEFAULT_TIME_LIMITS}; every limit must be a positive finite
 * number of milliseconds.
 *
 * @example
 * ```ts
 * resolveTimeLimits({ caseMs: 5000 }); // { initMs: 60000, caseMs: 5000, runMs: 1800000 }
 * ```
 */
export function resolveTimeLimits(limits: Partial<TimeLimits> = {}): TimeLimits {
  const resolved = { ...DEFAULT_TIME_LIMITS };
  for (const key of ['initMs', 'caseMs', 'runMs'] as const) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
      throw new RangeError(`time limit ${key} must be a positive number of ms, got ${value}`);
    resolved[key] = value;
  }
  return resolved;
}

/** Thrown (as a rejection) by {@link withTimeLimit} when the work did not settle in time. */
export class TimeLimitExceeded extends Error {
  constructor(
    readonly what: string,
    readonly limitMs: number,
  ) {
    super(`${what} did not settle within ${formatMs(limitMs)}`);
    this.name = 'TimeLimitExceeded';
  }
}

/** `60 s`, `1500 ms`, `30 min`. */
export function formatMs(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * Runs `work` and rejects with {@link TimeLimitExceeded} when it has not settled after `ms`.
 * The pending timer keeps a Node process alive while the work is awaited, so a promise that
 * never settles cannot end the process early with exit code 0. A synchronous throw of `work`
 * becomes a rejection. (A synchronous endless loop cannot be interrupted here: the command
 * runs backends in a watchdog process for that.)
 *
 * @example
 * ```ts
 * await withTimeLimit(() => createSoftmax(backend), 60_000, 'createSoftmax');
 * ```
 */
export function withTimeLimit<T>(work: () => Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeLimitExceeded(what, ms)), ms);
    let promise: Promise<T>;
    try {
      promise = Promise.resolve(work());
    } catch (error) {
      clearTimeout(timer);
      reject(error);
      return;
    }
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Parses a command-line duration: a number of seconds (`90`, `2.5`) or a number with a unit
 * (`500ms`, `90s`, `30min`); returns milliseconds, or null when it is not a positive duration.
 *
 * @example
 * ```ts
 * parseDuration('90'); // 90000
 * parseDuration('30min'); // 1800000
 * ```
 */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/i.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const ms = value * (unit === 'ms' ? 1 : unit === 's' ? 1000 : 60_000);
  return ms > 0 && Number.isFinite(ms) ? ms : null;
}

/** The three time-limit flags, shared by `softmax-kit conformance` and `softmax-kit-conformance`. */
export const TIME_LIMIT_FLAGS = {
  'init-timeout': 'initMs',
  'case-timeout': 'caseMs',
  'run-timeout': 'runMs',
} as const;

/** One line for usage texts: the flags and their defaults. */
export const TIME_LIMIT_USAGE = `--init-timeout D  time limit on loading + initialising each backend (default ${formatMs(DEFAULT_TIME_LIMITS.initMs)})
  --case-timeout D  time limit on each case (default ${formatMs(DEFAULT_TIME_LIMITS.caseMs)})
  --run-timeout D   time limit on each backend's whole run (default ${formatMs(DEFAULT_TIME_LIMITS.runMs)})
                    D: seconds, or with a unit: 500ms, 90s, 30min`;
