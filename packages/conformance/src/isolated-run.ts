/**
 * Running one backend's conformance suite, in this process or in a watchdog child process
 * (Node only). The child exists for what no in-process time limit can stop: a backend whose
 * kernel or init loops synchronously blocks this thread's timers, so the parent watches the
 * child's progress messages and kills it when a case overruns its limit (plus a grace period),
 * then reports that case as timed out and the rest as "not run after a timeout".
 *
 * Why a child process and not a worker thread: a worker shares the process, so a backend that
 * calls `process.exit`, aborts in a native binding (tfjs-node) or exhausts the heap would take
 * the runner down with it; a child also gets its own `--expose-gc` for the heap check. The cost,
 * a Node start per backend (~50 ms), is nothing next to a conformance run.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SIZES } from './cases/accuracy.js';
import { buildCases } from './catalog.js';
import { detectEnvironment } from './environment.js';
import { installedVersions, type LoadedBackend, loadBackend } from './load-backend.js';
import { DEFAULT_PROFILE, type Profile } from './profile.js';
import type { CaseResult, CheckGroup, ConformanceReport } from './report.js';
import {
  createConformanceSession,
  DEFAULT_SEED,
  NOT_RUN_AFTER_TIMEOUT,
  type ProgressEvent,
  unrunResult,
  verdict,
} from './run-conformance.js';
import {
  formatMs,
  resolveTimeLimits,
  TimeLimitExceeded,
  type TimeLimits,
  withTimeLimit,
} from './time-limits.js';

/** What one backend's run needs (all JSON-serialisable: it is sent to the child). */
export interface IsolatedRunSettings {
  readonly spec: string;
  readonly cwd: string;
  readonly resolveFrom: readonly string[];
  readonly seed?: number;
  readonly sizes?: readonly number[];
  readonly profile?: Profile;
  readonly groups?: readonly CheckGroup[];
  readonly timeLimits: TimeLimits;
}

/** The result of one backend's run: a report, or why it could not be loaded. */
export type IsolatedRunOutcome =
  | { readonly kind: 'report'; readonly report: ConformanceReport }
  | { readonly kind: 'unloaded'; readonly reason: string; readonly broken: boolean };

/** Messages from the child to the parent. */
type ChildMessage =
  | { type: 'loaded'; name: string }
  | { type: 'started'; capabilities: NonNullable<ConformanceReport['capabilities']> }
  | { type: 'progress'; event: ProgressEvent }
  | { type: 'done'; outcome: IsolatedRunOutcome };

function groupFilter(groups: readonly CheckGroup[] | undefined) {
  return groups?.length ? (c: { group: CheckGroup }) => groups.includes(c.group) : undefined;
}

async function load(settings: IsolatedRunSettings): Promise<LoadedBackend> {
  try {
    return await withTimeLimit(
      () => loadBackend(settings.spec, { cwd: settings.cwd, resolveFrom: settings.resolveFrom }),
      settings.timeLimits.initMs,
      `loading ${settings.spec}`,
    );
  } catch (error) {
    const reason =
      error instanceof TimeLimitExceeded
        ? `timed out: ${error.message} (init time limit ${formatMs(settings.timeLimits.initMs)})`
        : `loading failed: ${error instanceof Error ? error.message : String(error)}`;
    return { id: settings.spec, unavailable: reason, broken: true };
  }
}

/**
 * Runs one backend in this process: loads it (within the init limit) and runs the suite with
 * the time limits. A synchronous hang in the backend hangs this call; see {@link runIsolated}.
 */
export async function runInProcess(
  settings: IsolatedRunSettings,
  hooks: {
    onLoaded?: (name: string) => void;
    onStarted?: (capabilities: NonNullable<ConformanceReport['capabilities']>) => void;
    onProgress?: (event: ProgressEvent) => void;
    importer?: (specifier: string) => Promise<unknown>;
  } = {},
): Promise<IsolatedRunOutcome> {
  const loaded = hooks.importer
    ? await loadBackend(settings.spec, {
        cwd: settings.cwd,
        resolveFrom: settings.resolveFrom,
        importer: hooks.importer,
      })
    : await load(settings);
  if ('unavailable' in loaded)
    return { kind: 'unloaded', reason: loaded.unavailable, broken: loaded.broken === true };
  hooks.onLoaded?.(loaded.backend.name);
  const versions = installedVersions(settings.cwd, settings.resolveFrom);
  const filter = groupFilter(settings.groups);
  const session = createConformanceSession(loaded.backend, {
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    ...(settings.sizes === undefined ? {} : { sizes: settings.sizes }),
    ...(settings.profile === undefined ? {} : { profile: settings.profile }),
    ...(filter ? { filter } : {}),
    versions: loaded.version ? { ...versions, [settings.spec]: loaded.version } : versions,
    timeLimits: settings.timeLimits,
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
  });
  await session.start();
  // the declared precision goes with every verdict, also one the watchdog has to build
  if (session.capabilities) hooks.onStarted?.(session.capabilities);
  for (const testCase of session.cases) await session.runCase(testCase.id);
  return { kind: 'report', report: await session.finish() };
}

/** The child's entry file next to this module (`.ts` when running from source). */
function childEntry(): string | null {
  const here = import.meta.url;
  const file = fileURLToPath(new URL(here.endsWith('.ts') ? './child.ts' : './child.js', here));
  return existsSync(file) ? file : null;
}

/** Whether {@link runIsolated} can start its child here (built, or from source under tsx). */
export function canIsolate(): boolean {
  const entry = childEntry();
  if (entry === null) return false;
  return !entry.endsWith('.ts') || process.execArgv.some((arg) => arg.includes('tsx'));
}

/** Extra time the watchdog allows past a limit before it kills the child. */
function grace(limit: number): number {
  return Math.max(5000, limit * 0.1);
}

/**
 * The report of a run whose child was killed or died: the results it sent, the case it was in
 * failed with `cause`, every later case failed as "not run after a timeout".
 */
function reportAfterKill(
  settings: IsolatedRunSettings,
  name: string,
  capabilities: ConformanceReport['capabilities'],
  results: Map<string, CaseResult>,
  running: string | null,
  cause: string,
  startedAt: string,
  durationMs: number,
): ConformanceReport {
  const sizes = [...(settings.sizes ?? DEFAULT_SIZES)];
  const profile = settings.profile ?? DEFAULT_PROFILE;
  const all = buildCases({ sizes, profile });
  const filter = groupFilter(settings.groups);
  const cases = filter ? all.filter(filter) : all;
  const caseResults = cases.map((c): CaseResult => {
    const done = results.get(c.id);
    if (done) return done;
    if (c.id !== running) return unrunResult(c, 'fail', `${NOT_RUN_AFTER_TIMEOUT} (${cause})`);
    const { notRun: _, ...timedOut } = unrunResult(c, 'fail', `timed out: ${cause}`);
    return { ...timedOut, timedOut: true };
  });
  const summary = { pass: 0, fail: 0, skip: 0 };
  for (const c of caseResults) summary[c.status]++;
  const { status, reason } = verdict(summary, null, cause);
  return {
    reportVersion: 1,
    backend: name,
    status,
    ...(reason ? { reason } : {}),
    capabilities,
    environment: detectEnvironment(installedVersions(settings.cwd, settings.resolveFrom)),
    seed: settings.seed ?? DEFAULT_SEED,
    sizes,
    profile,
    timeLimits: { ...settings.timeLimits },
    startedAt,
    durationMs,
    summary,
    cases: caseResults,
  };
}

/**
 * Runs one backend in a watchdog child process (see the module comment). Progress events and
 * the loaded backend's name are forwarded as they arrive. Resolves with the child's report, or,
 * when the child overran a limit (and was killed) or died, with a report built from what it had
 * sent: never hangs, never throws for anything the backend does.
 */
export function runIsolated(
  settings: IsolatedRunSettings,
  hooks: { onLoaded?: (name: string) => void; onProgress?: (event: ProgressEvent) => void } = {},
): Promise<IsolatedRunOutcome> {
  const entry = childEntry();
  if (entry === null || !canIsolate()) return runInProcess(settings, hooks);
  const limits = resolveTimeLimits(settings.timeLimits);
  const startedAt = new Date().toISOString();
  const began = Date.now();
  return new Promise((resolve) => {
    const child: ChildProcess = fork(entry, [], {
      cwd: settings.cwd,
      execArgv: [...process.execArgv.filter((arg) => arg !== '--expose-gc'), '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const results = new Map<string, CaseResult>();
    let capabilities: ConformanceReport['capabilities'] = null;
    let name = settings.spec.replace(/^.*[\\/]/, '').replace(/\.[cm]?[jt]s(#.*)?$/, '');
    let running: string | null = null;
    let phase = 'loading the backend';
    let settled = false;
    let stepTimer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: IsolatedRunOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(stepTimer);
      clearTimeout(runTimer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      resolve(outcome);
    };
    const kill = (cause: string) =>
      finish({
        kind: 'report',
        report: reportAfterKill(
          settings,
          name,
          capabilities,
          results,
          running,
          cause,
          startedAt,
          Date.now() - began,
        ),
      });
    const arm = (limit: number, what: string) => {
      clearTimeout(stepTimer);
      phase = what;
      stepTimer = setTimeout(
        () =>
          kill(
            `${what} did not finish within ${formatMs(limit)} and blocked its own time limit (a synchronous hang?): the watchdog killed the backend's process`,
          ),
        limit + grace(limit),
      );
    };
    const runTimer = setTimeout(
      () => kill(`the run's time limit of ${formatMs(limits.runMs)} was reached`),
      limits.runMs + grace(limits.runMs),
    );
    // loading and createSoftmax share the init limit, each timed separately inside the child
    arm(2 * limits.initMs, 'loading and initialising the backend');
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'loaded') {
        name = message.name;
        hooks.onLoaded?.(message.name);
      } else if (message.type === 'started') {
        capabilities = message.capabilities;
      } else if (message.type === 'progress') {
        const event = message.event;
        if (event.phase === 'start') {
          running = event.id;
          arm(limits.caseMs, event.id);
        } else {
          running = null;
          if (event.result) results.set(event.id, event.result);
          arm(limits.caseMs, 'the next case or dispose()');
        }
        hooks.onProgress?.(event);
      } else if (message.type === 'done') {
        finish(message.outcome);
      }
    });
    child.on('error', (error) => kill(`the backend's process failed: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (settled) return;
      kill(
        `the backend's process exited (${signal ?? `code ${code}`}) during ${running ?? phase} without a report`,
      );
    });
    child.send({ type: 'run', settings });
  });
}
