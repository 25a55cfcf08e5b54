import { type Backend, createSoftmax, type Dtype, type Softmax } from '@softmax-kit/core';
import { type CaseContext, type ConformanceCase, SkipCase } from './case.js';
import { DEFAULT_SIZES } from './cases/accuracy.js';
import { buildCases } from './catalog.js';
import { detectEnvironment, now } from './environment.js';
import { type PrecisionModel, precisionModel } from './precision.js';
import { DEFAULT_PROFILE, type Profile } from './profile.js';
import type { CaseResult, CaseStatus, CheckGroup, ConformanceReport } from './report.js';
import { createRng, seedFor } from './rng.js';
import {
  DEFAULT_TIME_LIMITS,
  formatMs,
  resolveTimeLimits,
  TimeLimitExceeded,
  type TimeLimits,
  withTimeLimit,
} from './time-limits.js';

export { DEFAULT_TIME_LIMITS };

/** The seed used when none is given (any fixed value; reports record the one used). */
export const DEFAULT_SEED = 20_261_123;

/** Progress of a run: one event when a case starts and one when it ends. */
export interface ProgressEvent {
  readonly phase: 'start' | 'end';
  /** 0-based position of the case in this run. */
  readonly index: number;
  readonly total: number;
  readonly id: string;
  readonly group: CheckGroup;
  /** Present on `end`. */
  readonly status?: CaseStatus;
  readonly durationMs?: number;
  /** Present on `end`: the case's full result. */
  readonly result?: CaseResult;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Seed of every random row and fast-check property (default {@link DEFAULT_SEED}). */
  readonly seed?: number;
  /** Row lengths of the accuracy group (default 1 to 1,000,000, see `DEFAULT_SIZES`). */
  readonly sizes?: readonly number[];
  /**
   * `'full'` (default) or `'fast'`: the sizes of the real-size cases (`accuracy.batch.*`,
   * `accuracy.split.*`; see `PROFILE_SIZES`). Written into the report.
   */
  readonly profile?: Profile;
  /** Called as cases start and end (e.g. to print progress). */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Runs only the cases it accepts (the others are left out of the report). */
  readonly filter?: (testCase: { id: string; group: CheckGroup }) => boolean;
  /** Extra package versions for the report's environment (e.g. the backend package's). */
  readonly versions?: Readonly<Record<string, string>>;
  /**
   * Time limits on `createSoftmax`, on each case and on the whole run (default
   * {@link DEFAULT_TIME_LIMITS}); written into the report.
   */
  readonly timeLimits?: Partial<TimeLimits>;
}

/** A run split into steps, for adapters that give each case its own test (see `/vitest`). */
export interface ConformanceSession {
  readonly cases: readonly ConformanceCase[];
  /** The limits this session runs under. */
  readonly timeLimits: TimeLimits;
  /** The backend's declared capabilities once `start()` created the instance, else null. */
  readonly capabilities: ConformanceReport['capabilities'];
  /**
   * Creates the softmax instance (within the init time limit); resolves to null, or the reason
   * the backend is unavailable or failed to initialise.
   */
  start(): Promise<string | null>;
  /** Runs one case (by id, within the case time limit) and records its result. */
  runCase(id: string): Promise<CaseResult>;
  /** Disposes the instance (if a case did not) and returns the report. */
  finish(): Promise<ConformanceReport>;
}

/** `Name CODE: message` of anything thrown. */
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? ` ${e.code}` : '';
    return `${String(e.name ?? 'Error')}${code}: ${String(e.message ?? error)}`;
  }
  return String(error);
}

/** The reason given to the cases left over after a timeout. */
export const NOT_RUN_AFTER_TIMEOUT = 'not run after a timeout';

/** A case result without a run: skipped, or failed without running (`notRun`). */
export function unrunResult(
  testCase: Pick<ConformanceCase, 'id' | 'group' | 'title' | 'boundDerivation'>,
  status: 'skip' | 'fail',
  reason: string,
): CaseResult {
  return {
    id: testCase.id,
    group: testCase.group,
    title: testCase.title,
    ...(testCase.boundDerivation === undefined
      ? {}
      : { boundDerivation: testCase.boundDerivation }),
    status,
    reason,
    error: null,
    bound: null,
    durationMs: 0,
    ...(status === 'fail' ? { notRun: true } : {}),
  };
}

/**
 * The run's verdict: `'skip'` only when the backend said `BACKEND_UNAVAILABLE`; `'fail'` when
 * anything failed, and also when no case passed or the filter matched no case (SPEC: that is
 * not a pass).
 */
export function verdict(
  summary: ConformanceReport['summary'],
  unavailable: string | null,
  failure: string | null,
): { status: CaseStatus; reason?: string } {
  if (unavailable !== null) return { status: 'skip', reason: unavailable };
  if (failure !== null) return { status: 'fail', reason: failure };
  if (summary.fail > 0) return { status: 'fail' };
  const total = summary.pass + summary.fail + summary.skip;
  if (total === 0)
    return { status: 'fail', reason: 'no case matched the filter: nothing was checked' };
  if (summary.pass === 0)
    return { status: 'fail', reason: 'no case passed: every case was skipped' };
  return { status: 'pass' };
}

/**
 * Creates a {@link ConformanceSession}: the steps of {@link runConformance}.
 *
 * @example
 * ```ts
 * const session = createConformanceSession(tsBackend());
 * if ((await session.start()) === null) for (const c of session.cases) await session.runCase(c.id);
 * const report = await session.finish();
 * ```
 */
export function createConformanceSession(
  backend: Backend,
  options: ConformanceOptions = {},
): ConformanceSession {
  const seed = options.seed ?? DEFAULT_SEED;
  const limits = resolveTimeLimits(options.timeLimits);
  const sizes = [...(options.sizes ?? DEFAULT_SIZES)];
  const profile = options.profile ?? DEFAULT_PROFILE;
  const allCases = buildCases({ sizes, profile });
  const cases = options.filter ? allCases.filter((c) => options.filter?.(c)) : allCases;
  const startedAt = new Date().toISOString();
  const started = now();
  const deadline = started + limits.runMs;
  const results = new Map<string, CaseResult>();
  const cache = new Map<string, unknown>();
  const models = new Map<Dtype, PrecisionModel>();
  let sm: Softmax | null = null;
  let unavailable: string | null = null;
  let initFailure: string | null = null;
  /** Set by the first timeout: every later case is failed without running. */
  let timedOut: string | null = null;
  let startedOnce = false;

  const record = (testCase: ConformanceCase, result: CaseResult) => {
    results.set(testCase.id, result);
    return result;
  };
  /** The time left for one step: its own limit, cut by the run's. */
  const budget = (limit: number) => Math.max(0, Math.min(limit, deadline - now()));

  return {
    cases,
    timeLimits: limits,
    get capabilities() {
      return sm === null ? null : plainCapabilities(sm);
    },
    async start() {
      if (startedOnce) return unavailable ?? initFailure;
      startedOnce = true;
      try {
        sm = await withTimeLimit(
          () => createSoftmax(backend),
          budget(limits.initMs),
          "createSoftmax (the backend's initialisation)",
        );
        return null;
      } catch (error) {
        if (error instanceof TimeLimitExceeded) {
          timedOut = `${error.message} (init time limit ${formatMs(limits.initMs)})`;
          initFailure = `timed out: ${timedOut}`;
          return initFailure;
        }
        const code = (error as { code?: unknown })?.code;
        if (code === 'BACKEND_UNAVAILABLE') {
          unavailable = (error as Error).message;
          return unavailable;
        }
        initFailure = `createSoftmax failed: ${errorText(error)}`;
        return initFailure;
      }
    },
    async runCase(id) {
      const testCase = cases.find((c) => c.id === id);
      if (!testCase) throw new Error(`no conformance case with id ${id}`);
      const index = cases.indexOf(testCase);
      const total = cases.length;
      options.onProgress?.({ phase: 'start', index, total, id, group: testCase.group });
      const begin = now();
      let result: CaseResult;
      if (sm === null) {
        result = record(
          testCase,
          unavailable
            ? unrunResult(testCase, 'skip', unavailable)
            : unrunResult(
                testCase,
                'fail',
                `not run: ${initFailure ?? 'the session was not started'}`,
              ),
        );
      } else if (timedOut !== null) {
        result = record(
          testCase,
          unrunResult(testCase, 'fail', `${NOT_RUN_AFTER_TIMEOUT} (${timedOut})`),
        );
      } else if (budget(limits.caseMs) === 0) {
        timedOut = `the run's time limit of ${formatMs(limits.runMs)} was reached before ${id}`;
        result = record(
          testCase,
          unrunResult(testCase, 'fail', `${NOT_RUN_AFTER_TIMEOUT} (${timedOut})`),
        );
      } else {
        const instance = sm;
        const context: CaseContext = {
          sm: instance,
          backend,
          capabilities: instance.backend.capabilities,
          seed,
          rng: createRng(seedFor(seed, id)),
          model: (dtype) => {
            let model = models.get(dtype);
            if (!model) {
              model = precisionModel(instance.backend.capabilities, dtype);
              models.set(dtype, model);
            }
            return model;
          },
          cache,
        };
        const base = {
          id: testCase.id,
          group: testCase.group,
          title: testCase.title,
          ...(testCase.boundDerivation === undefined
            ? {}
            : { boundDerivation: testCase.boundDerivation }),
        };
        const limit = budget(limits.caseMs);
        try {
          const outcome = await withTimeLimit(() => testCase.run(context), limit, id);
          result = record(testCase, {
            ...base,
            status: outcome.status,
            ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
            error: outcome.error,
            bound: outcome.bound,
            durationMs: now() - begin,
          });
        } catch (error) {
          const skipped = error instanceof SkipCase;
          let reason = skipped ? error.message : `threw ${errorText(error)}`;
          if (error instanceof TimeLimitExceeded) {
            const which =
              limit < limits.caseMs
                ? `the run's time limit of ${formatMs(limits.runMs)}`
                : `case time limit ${formatMs(limits.caseMs)}`;
            timedOut = `${id} timed out (${which})`;
            reason = `timed out: ${error.message} (${which})`;
          }
          result = record(testCase, {
            ...base,
            status: skipped ? 'skip' : 'fail',
            reason,
            error: null,
            bound: null,
            durationMs: now() - begin,
            ...(error instanceof TimeLimitExceeded ? { timedOut: true } : {}),
          });
        }
      }
      options.onProgress?.({
        phase: 'end',
        index,
        total,
        id,
        group: testCase.group,
        status: result.status,
        durationMs: result.durationMs,
        result,
      });
      return result;
    },
    async finish() {
      let disposeFailure: string | null = null;
      if (sm !== null) {
        const instance = sm;
        try {
          await withTimeLimit(() => instance.dispose(), limits.caseMs, 'dispose()');
        } catch (error) {
          disposeFailure = `dispose failed: ${errorText(error)}`;
        }
      }
      cache.clear();
      const caseResults = cases.map(
        (c) =>
          results.get(c.id) ??
          (unavailable
            ? unrunResult(c, 'skip', unavailable)
            : unrunResult(
                c,
                'fail',
                timedOut !== null
                  ? `${NOT_RUN_AFTER_TIMEOUT} (${timedOut})`
                  : `not run${initFailure ? `: ${initFailure}` : ''}`,
              )),
      );
      const summary = { pass: 0, fail: 0, skip: 0 };
      for (const c of caseResults) summary[c.status]++;
      const capabilities = sm === null ? null : plainCapabilities(sm as Softmax);
      const failure =
        initFailure ?? (timedOut === null ? null : `timed out: ${timedOut}`) ?? disposeFailure;
      const { status, reason } = verdict(summary, unavailable, failure);
      return {
        reportVersion: 1,
        backend: backend.name,
        status,
        ...(reason ? { reason } : {}),
        capabilities,
        environment: detectEnvironment({ ...options.versions }),
        seed,
        sizes,
        profile,
        timeLimits: { ...limits },
        startedAt,
        durationMs: now() - started,
        summary,
        cases: caseResults,
      };
    },
  };
}

function plainCapabilities(sm: Softmax): NonNullable<ConformanceReport['capabilities']> {
  const c = sm.backend.capabilities;
  return {
    dtypes: [...c.dtypes],
    computePrecision: { ...c.computePrecision },
    sync: c.sync,
    device: c.device,
    ...(c.splitsAt ? { splitsAt: c.splitsAt.map((s) => ({ ...s })) } : {}),
    ...(c.details ? { details: { ...c.details } } : {}),
  };
}

/**
 * Runs the whole conformance suite on a fresh backend instance through the public API
 * (`createSoftmax`), disposes it, and returns a JSON-serialisable report. A backend that cannot
 * load here (its own `BACKEND_UNAVAILABLE`) gives a report with status `'skip'` and the reason;
 * any other init failure, a timeout (see {@link ConformanceOptions.timeLimits}), or a run in
 * which no case passed gives `'fail'`. After a timeout the remaining cases are failed as "not
 * run after a timeout". A synchronous endless loop in the backend cannot be interrupted
 * in-process: run it through `runConformanceCommand` (`/node`), which uses a watchdog process.
 *
 * @example
 * ```ts
 * import { runConformance, formatSummary } from '@softmax-kit/conformance';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 *
 * const report = await runConformance(tsBackend(), { sizes: [1, 1000, 100_000] });
 * console.log(formatSummary([report]));
 * if (report.status === 'fail') process.exitCode = 1;
 * ```
 */
export async function runConformance(
  backend: Backend,
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const session = createConformanceSession(backend, options);
  await session.start();
  for (const testCase of session.cases) await session.runCase(testCase.id);
  return session.finish();
}

/**
 * The report of a backend that could not even be created here (e.g. its package is not
 * installed): status `'skip'` with the reason and every case skipped with it; or, with
 * `status: 'fail'` (a backend the caller asked for by name), every case failed as not run.
 * Never `'pass'`.
 *
 * @example
 * ```ts
 * skippedReport('tfjs-node', '@softmax-kit/backend-tfjs-node is not installed');
 * ```
 */
export function skippedReport(
  backend: string,
  reason: string,
  options: Pick<
    ConformanceOptions,
    'seed' | 'sizes' | 'profile' | 'versions' | 'filter' | 'timeLimits'
  > & {
    readonly status?: 'skip' | 'fail';
  } = {},
): ConformanceReport {
  const status = options.status ?? 'skip';
  const sizes = [...(options.sizes ?? DEFAULT_SIZES)];
  const profile = options.profile ?? DEFAULT_PROFILE;
  const all = buildCases({ sizes, profile });
  const cases = (options.filter ? all.filter((c) => options.filter?.(c)) : all).map((c) =>
    unrunResult(c, status, status === 'skip' ? reason : `not run: ${reason}`),
  );
  const summary = { pass: 0, fail: 0, skip: 0 };
  for (const c of cases) summary[c.status]++;
  return {
    reportVersion: 1,
    backend,
    status,
    reason,
    capabilities: null,
    environment: detectEnvironment({ ...options.versions }),
    seed: options.seed ?? DEFAULT_SEED,
    sizes,
    profile,
    timeLimits: resolveTimeLimits(options.timeLimits),
    startedAt: new Date().toISOString(),
    durationMs: 0,
    summary,
    cases,
  };
}
