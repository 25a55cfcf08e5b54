import { type Backend, createSoftmax, type Dtype, type Softmax } from '@softmax-kit/core';
import { type CaseContext, type ConformanceCase, SkipCase } from './case.js';
import { buildCases } from './catalog.js';
import { detectEnvironment, now } from './environment.js';
import { type PrecisionModel, precisionModel } from './precision.js';
import type { CaseResult, CaseStatus, CheckGroup, ConformanceReport } from './report.js';
import { createRng, seedFor } from './rng.js';

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
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Seed of every random row and fast-check property (default {@link DEFAULT_SEED}). */
  readonly seed?: number;
  /** Row lengths of the accuracy group (default 1 to 1,000,000, see `DEFAULT_SIZES`). */
  readonly sizes?: readonly number[];
  /** Called as cases start and end (e.g. to print progress). */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Runs only the cases it accepts (the others are left out of the report). */
  readonly filter?: (testCase: { id: string; group: CheckGroup }) => boolean;
  /** Extra package versions for the report's environment (e.g. the backend package's). */
  readonly versions?: Readonly<Record<string, string>>;
}

/** A run split into steps, for adapters that give each case its own test (see `/vitest`). */
export interface ConformanceSession {
  readonly cases: readonly ConformanceCase[];
  /** Creates the softmax instance; resolves to null, or the reason the backend is unavailable. */
  start(): Promise<string | null>;
  /** Runs one case (by id) and records its result. */
  runCase(id: string): Promise<CaseResult>;
  /** Disposes the instance (if a case did not) and returns the report. */
  finish(): Promise<ConformanceReport>;
}

function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? ` ${e.code}` : '';
    return `${String(e.name ?? 'Error')}${code}: ${String(e.message ?? error)}`;
  }
  return String(error);
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
  const allCases = buildCases({ sizes: options.sizes });
  const cases = options.filter ? allCases.filter((c) => options.filter?.(c)) : allCases;
  const sizes = [...(options.sizes ?? buildCases.defaultSizes)];
  const startedAt = new Date().toISOString();
  const started = now();
  const results = new Map<string, CaseResult>();
  const cache = new Map<string, unknown>();
  const models = new Map<Dtype, PrecisionModel>();
  let sm: Softmax | null = null;
  let unavailable: string | null = null;
  let initFailure: string | null = null;
  let startedOnce = false;

  const record = (
    testCase: ConformanceCase,
    result: Omit<CaseResult, 'id' | 'group' | 'title'>,
  ) => {
    const full: CaseResult = {
      id: testCase.id,
      group: testCase.group,
      title: testCase.title,
      ...(testCase.boundDerivation === undefined
        ? {}
        : { boundDerivation: testCase.boundDerivation }),
      ...result,
    };
    results.set(testCase.id, full);
    return full;
  };

  return {
    cases,
    async start() {
      if (startedOnce) return unavailable ?? initFailure;
      startedOnce = true;
      try {
        sm = await createSoftmax(backend);
        return null;
      } catch (error) {
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
        const reason = unavailable ?? initFailure ?? 'the session was not started';
        result = record(testCase, {
          status: unavailable ? 'skip' : 'fail',
          reason,
          error: null,
          bound: null,
          durationMs: 0,
        });
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
        try {
          const outcome = await testCase.run(context);
          result = record(testCase, {
            status: outcome.status,
            ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
            error: outcome.error,
            bound: outcome.bound,
            durationMs: now() - begin,
          });
        } catch (error) {
          const skipped = error instanceof SkipCase;
          result = record(testCase, {
            status: skipped ? 'skip' : 'fail',
            reason: skipped ? error.message : `threw ${errorText(error)}`,
            error: null,
            bound: null,
            durationMs: now() - begin,
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
      });
      return result;
    },
    async finish() {
      let disposeFailure: string | null = null;
      if (sm !== null) {
        try {
          await sm.dispose();
        } catch (error) {
          disposeFailure = `dispose failed: ${errorText(error)}`;
        }
      }
      cache.clear();
      const caseResults = cases.map(
        (c) =>
          results.get(c.id) ?? {
            id: c.id,
            group: c.group,
            title: c.title,
            ...(c.boundDerivation === undefined ? {} : { boundDerivation: c.boundDerivation }),
            status: 'skip' as const,
            reason: unavailable ?? initFailure ?? 'not run',
            error: null,
            bound: null,
            durationMs: 0,
          },
      );
      const summary = { pass: 0, fail: 0, skip: 0 };
      for (const c of caseResults) summary[c.status]++;
      const capabilities = sm === null ? null : plainCapabilities(sm as Softmax);
      const status: CaseStatus = unavailable
        ? 'skip'
        : initFailure || disposeFailure || summary.fail > 0
          ? 'fail'
          : 'pass';
      const reason = unavailable ?? initFailure ?? disposeFailure;
      return {
        reportVersion: 1,
        backend: backend.name,
        status,
        ...(reason ? { reason } : {}),
        capabilities,
        environment: detectEnvironment({ ...options.versions }),
        seed,
        sizes,
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
    ...(c.details ? { details: { ...c.details } } : {}),
  };
}

/**
 * Runs the whole conformance suite on a fresh backend instance through the public API
 * (`createSoftmax`), disposes it, and returns a JSON-serialisable report. A backend that cannot
 * load here (`BACKEND_UNAVAILABLE`) gives a report with status `'skip'` and the reason.
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
 * installed): status `'skip'` with the reason, every case skipped with it. Never `'pass'`.
 *
 * @example
 * ```ts
 * skippedReport('tfjs-node', '@softmax-kit/backend-tfjs-node is not installed');
 * ```
 */
export function skippedReport(
  backend: string,
  reason: string,
  options: Pick<ConformanceOptions, 'seed' | 'sizes' | 'versions' | 'filter'> = {},
): ConformanceReport {
  const all = buildCases({ sizes: options.sizes });
  const cases = (options.filter ? all.filter((c) => options.filter?.(c)) : all).map(
    (c): CaseResult => ({
      id: c.id,
      group: c.group,
      title: c.title,
      ...(c.boundDerivation === undefined ? {} : { boundDerivation: c.boundDerivation }),
      status: 'skip',
      reason,
      error: null,
      bound: null,
      durationMs: 0,
    }),
  );
  return {
    reportVersion: 1,
    backend,
    status: 'skip',
    reason,
    capabilities: null,
    environment: detectEnvironment({ ...options.versions }),
    seed: options.seed ?? DEFAULT_SEED,
    sizes: [...(options.sizes ?? buildCases.defaultSizes)],
    startedAt: new Date().toISOString(),
    durationMs: 0,
    summary: { pass: 0, fail: 0, skip: cases.length },
    cases,
  };
}
