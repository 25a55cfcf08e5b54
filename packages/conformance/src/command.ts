/**
 * The one conformance front end (Node only): runs the suite on each backend spec (each in a
 * watchdog process where it can), turns load failures and unavailable backends into reports,
 * writes the report files and gives the summary and exit code. `softmax-kit-conformance` and
 * `softmax-kit conformance` only map their flags onto {@link runConformanceCommand}.
 */
import { resolve } from 'node:path';
import { builtinBackendNames } from './backends.js';
import { formatSummary } from './format-summary.js';
import { type IsolatedRunSettings, runInProcess, runIsolated } from './isolated-run.js';
import { installedVersions } from './load-backend.js';
import type { Profile } from './profile.js';
import type { CheckGroup, ConformanceReport } from './report.js';
import { type ProgressEvent, skippedReport } from './run-conformance.js';
import { resolveTimeLimits, type TimeLimits } from './time-limits.js';
import { prepareFile, prepareFolder } from './write-file.js';
import {
  resolveReportDir,
  writeJsonReports,
  writeJUnitFile,
  writeMarkdownFile,
  writeReport,
} from './write-report.js';

/** Options of {@link runConformanceCommand}. */
export interface CommandOptions {
  /**
   * Backend specs: built-in names or module paths (`./my-backend.js#export`). `all`, or an
   * empty list, means every Node built-in; those not installed are reported as skipped with the
   * reason. Every spec named otherwise is required: if it cannot load or is unavailable, its
   * report fails (JUnit `<error>`) and the exit code is 1.
   */
  readonly backends: readonly string[];
  /**
   * Whether a named backend that cannot load or is unavailable fails the run (default true;
   * `softmax-kit compare`, which reports on whatever is installed, passes false).
   */
  readonly requireNamed?: boolean;
  /**
   * Folder for `<id>.json` and `<id>.junit.xml` per backend (default `reports/conformance` at
   * the repo root; `null`: write none).
   */
  readonly outDir?: string | null;
  /** Also write the reports as one JSON file (or one per backend when it ends in `/`). */
  readonly json?: string;
  /** Also write one JUnit XML file for all backends. */
  readonly junit?: string;
  /** Also write a Markdown summary. */
  readonly markdown?: string;
  readonly seed?: number;
  readonly sizes?: readonly number[];
  /** Sizes of the real-size cases: `'full'` (default) or `'fast'` (what CI runs). */
  readonly profile?: Profile;
  readonly groups?: readonly CheckGroup[];
  /** Time limits (default `DEFAULT_TIME_LIMITS`); printed in the summary, written into reports. */
  readonly timeLimits?: Partial<TimeLimits>;
  /**
   * Run each backend in a watchdog child process, so a synchronous endless loop also ends as a
   * reported failure (default true where the child can start: built, or from source under tsx).
   */
  readonly isolate?: boolean;
  /** No per-case progress lines. */
  readonly quiet?: boolean;
  readonly cwd?: string;
  /** Imports built-in backend packages in this process (used only when not isolated). */
  readonly importer?: (specifier: string) => Promise<unknown>;
  /** More places to resolve built-in backend packages from (see `LoadBackendOptions`). */
  readonly resolveFrom?: readonly string[];
  /** Where progress lines go (default stderr). */
  readonly progress?: (line: string) => void;
  /** Every case's start and end, per backend spec (e.g. for a progress bar). */
  readonly onProgress?: (spec: string, event: ProgressEvent) => void;
}

/** What {@link runConformanceCommand} gives back. */
export interface CommandResult {
  /** One report per backend spec, in order. */
  readonly reports: ConformanceReport[];
  /** {@link formatSummary} of the reports (with the time limits). */
  readonly summary: string;
  /** 1 when any report failed (a named backend that did not load included), else 0. */
  readonly exitCode: number;
  /** Every file written. */
  readonly files: string[];
}

/** The specs to run, each marked required (named) or not (from `all`). */
export function expandBackendSpecs(
  specs: readonly string[],
): { spec: string; required: boolean }[] {
  const list = specs.length ? specs : ['all'];
  const seen = new Set<string>();
  const out: { spec: string; required: boolean }[] = [];
  for (const raw of list) {
    const spec = raw.trim();
    if (!spec) continue;
    const names = spec === 'all' ? builtinBackendNames('node') : [spec];
    for (const name of names) {
      if (seen.has(name)) {
        if (spec !== 'all') for (const o of out) if (o.spec === name) o.required = true;
        continue;
      }
      seen.add(name);
      out.push({ spec: name, required: spec !== 'all' });
    }
  }
  return out;
}

/** The report id of a spec whose backend never loaded (`./x/my-backend.js#f` -> `my-backend`). */
function idOfSpec(spec: string): string {
  return spec.replace(/^.*[\\/]/, '').replace(/\.[cm]?[jt]s(#.*)?$/, '');
}

/**
 * Runs the suite on each backend in turn (progress on stderr), writes the reports and returns
 * them with the summary table and the exit code. Nothing a backend does (throwing, hanging,
 * looping synchronously, exiting its process) makes this hang or throw: it becomes a failed
 * report. The pending timers of the time limits keep Node alive while a backend is awaited.
 *
 * @example
 * ```ts
 * const { exitCode, summary } = await runConformanceCommand({ backends: ['ts', './my-backend.js'] });
 * console.log(summary);
 * process.exitCode = exitCode;
 * ```
 */
export async function runConformanceCommand(options: CommandOptions): Promise<CommandResult> {
  const cwd = options.cwd ?? process.cwd();
  const write = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeLimits = resolveTimeLimits(options.timeLimits);
  const resolveFrom = options.resolveFrom ?? [];
  const common = {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.sizes === undefined ? {} : { sizes: options.sizes }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.groups?.length ? { groups: options.groups } : {}),
  };
  const filter = options.groups?.length
    ? (c: { group: CheckGroup }) => (options.groups as readonly CheckGroup[]).includes(c.group)
    : undefined;
  const reports: ConformanceReport[] = [];
  const files: string[] = [];
  // An explicit folder is the caller's, relative to their working directory; only the default
  // goes to the workspace root's reports/conformance (where the docs app reads them).
  const outDir =
    options.outDir === null
      ? null
      : options.outDir === undefined
        ? resolveReportDir('reports/conformance', cwd)
        : resolve(cwd, options.outDir);
  // a bad output path fails before the run, not after it (FileWriteError, within a time limit)
  if (outDir !== null) await prepareFolder(outDir);
  if (options.json !== undefined)
    await (/[\\/]$/.test(options.json) ? prepareFolder(options.json) : prepareFile(options.json));
  if (options.junit !== undefined) await prepareFile(options.junit);
  if (options.markdown !== undefined) await prepareFile(options.markdown);
  for (const { spec, required: named } of expandBackendSpecs(options.backends)) {
    const required = named && options.requireNamed !== false;
    write(`[conformance] ${spec}: loading`);
    const settings: IsolatedRunSettings = { spec, cwd, resolveFrom, timeLimits, ...common };
    let failures = 0;
    const hooks = {
      onProgress: (event: ProgressEvent) => {
        options.onProgress?.(spec, event);
        if (event.phase !== 'end') return;
        if (event.status === 'fail') failures++;
        if (options.quiet) return;
        const mark = event.status === 'pass' ? 'ok  ' : event.status === 'fail' ? 'FAIL' : 'skip';
        write(
          `[conformance] ${spec} ${String(event.index + 1).padStart(3)}/${event.total} ${mark} ${event.id} (${(event.durationMs ?? 0).toFixed(0)} ms)${failures ? ` [${failures} failed]` : ''}`,
        );
      },
    };
    const outcome =
      options.isolate === false
        ? await runInProcess(settings, {
            ...hooks,
            ...(options.importer ? { importer: options.importer } : {}),
          })
        : await runIsolated(settings, hooks);
    let report: ConformanceReport;
    let id: string | undefined;
    const versions = () => installedVersions(cwd, resolveFrom);
    if (outcome.kind === 'unloaded') {
      id = idOfSpec(spec);
      const fails = required || outcome.broken;
      report = skippedReport(
        id,
        fails && !outcome.broken
          ? `${outcome.reason} (asked for by name, so the run fails)`
          : outcome.reason,
        {
          ...common,
          ...(filter ? { filter } : {}),
          timeLimits,
          versions: versions(),
          status: fails ? 'fail' : 'skip',
        },
      );
    } else if (outcome.report.status === 'skip' && required) {
      report = skippedReport(
        outcome.report.backend,
        `${outcome.report.reason ?? 'unavailable'} (asked for by name, so the run fails)`,
        {
          ...common,
          ...(filter ? { filter } : {}),
          timeLimits,
          versions: outcome.report.environment.versions,
          status: 'fail',
        },
      );
    } else {
      report = outcome.report;
    }
    write(`[conformance] ${spec}: ${report.status}${report.reason ? ` (${report.reason})` : ''}`);
    if (outDir !== null) {
      const written = await writeReport(report, outDir, id);
      files.push(written.json, written.junit);
    }
    reports.push(report);
  }
  if (options.json !== undefined) files.push(...(await writeJsonReports(options.json, reports)));
  if (options.junit !== undefined) files.push(await writeJUnitFile(options.junit, reports));
  if (options.markdown !== undefined)
    files.push(await writeMarkdownFile(options.markdown, reports));
  return {
    reports,
    summary: formatSummary(reports),
    exitCode: reports.some((r) => r.status === 'fail') ? 1 : 0,
    files,
  };
}

/**
 * Makes a Node process that is awaiting `work` exit non-zero, with `message` on stderr, if the
 * event loop empties before `work` settles (a promise that never settles and no timer left:
 * Node would otherwise exit 0 with no output). Returns `work`'s result.
 *
 * @example
 * ```ts
 * const result = await guardExit(runConformanceCommand(options), 'softmax-kit-conformance');
 * ```
 */
export async function guardExit<T>(work: Promise<T>, name: string): Promise<T> {
  const onBeforeExit = () => {
    process.stderr.write(
      `${name}: stopped waiting: a backend's promise never settled and nothing was left to wait for (no result, exit 1)\n`,
    );
    process.exit(1);
  };
  process.on('beforeExit', onBeforeExit);
  try {
    return await work;
  } finally {
    process.off('beforeExit', onBeforeExit);
  }
}
