import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConformanceReport, ProgressEvent } from '@softmax-kit/conformance';
import { type ConformanceApi, loadConformanceApi } from '../conformance-api.js';
import { packageVersion, REPORTED_PACKAGES } from '../environment.js';
import { firstLine, formatTable } from '../format.js';
import { loadBackendSource, messageOf } from '../load-backend.js';
import { numberOption } from '../parse-number.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';
import { parseBackendList } from './bench.js';
import type { CommandIo } from './io.js';

export const CONFORMANCE_USAGE = `softmax-kit conformance [--backend ts,tfjs-cpu,...|all|./my-backend.js] [--json FILE|DIR/] [--junit FILE] [--markdown FILE] [--seed N] [--group G,...] [--no-progress]
  Runs SPEC's conformance suite on each backend; exit 1 when a check fails (or a backend named
  explicitly cannot load). A module path must export a Backend factory (default export or a
  named export ending in 'Backend').`;

const OPTIONS = {
  backend: { type: 'string', default: 'ts' },
  json: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  seed: { type: 'string' },
  group: { type: 'string' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function skippedReport(
  backend: string,
  reason: string,
  seed: number,
): Promise<ConformanceReport> {
  const versions: Record<string, string> = {};
  for (const name of REPORTED_PACKAGES) {
    const version = await packageVersion(name);
    if (version !== undefined) versions[name] = version;
  }
  return {
    reportVersion: 1,
    backend,
    status: 'skip',
    reason,
    capabilities: null,
    environment: {
      runtime: 'node',
      runtimeVersion: `node ${process.version}`,
      platform: `${process.platform} ${process.arch}`,
      versions,
    },
    seed,
    sizes: [],
    startedAt: new Date().toISOString(),
    durationMs: 0,
    summary: { pass: 0, fail: 0, skip: 0 },
    cases: [],
  };
}

/**
 * Runs the suite on each requested backend; backends that cannot load give a `skip` report
 * with the reason.
 *
 * @example
 * ```ts
 * const reports = await runConformanceOn(['ts', './my-backend.js'], { seed: 1, io, showProgress: true });
 * ```
 */
export async function runConformanceOn(
  specs: readonly string[],
  options: {
    seed: number;
    io: CommandIo;
    showProgress: boolean;
    api?: ConformanceApi;
    groups?: ReadonlySet<string>;
  },
): Promise<ConformanceReport[]> {
  const api = options.api ?? (await loadConformanceApi());
  const reports: ConformanceReport[] = [];
  for (const spec of specs) {
    const source = await loadBackendSource(spec);
    if ('unavailable' in source) {
      reports.push(await skippedReport(spec, source.unavailable, options.seed));
      continue;
    }
    const bar = progressBar(options.io, `conformance ${spec}`, options.showProgress);
    let last = 0;
    try {
      const report = await api.runConformance(source.backend, {
        seed: options.seed,
        ...(options.groups === undefined
          ? {}
          : { filter: (c: { group: string }) => options.groups?.has(c.group) === true }),
        ...(source.version === undefined ? {} : { versions: { [spec]: source.version } }),
        onProgress: (event: ProgressEvent) => {
          const done = event.phase === 'end' ? event.index + 1 : event.index;
          const now = Date.now();
          // Without a terminal, print at most one line a second.
          if (!options.io.stderrIsTty && now - last < 1000 && done !== event.total) return;
          last = now;
          bar.update(done, event.total, event.id);
        },
      });
      reports.push(report);
    } catch (error) {
      reports.push(await skippedReport(spec, messageOf(error), options.seed));
    } finally {
      bar.finish();
    }
  }
  return reports;
}

/**
 * One line per backend, then the failed cases.
 *
 * @example
 * ```ts
 * io.stdout(formatConformanceSummary(reports));
 * ```
 */
export function formatConformanceSummary(reports: readonly ConformanceReport[]): string {
  const table = formatTable(
    ['backend', 'status', 'pass', 'fail', 'skip', 'seconds', 'note'],
    reports.map((report) => [
      report.backend,
      report.status,
      String(report.summary.pass),
      String(report.summary.fail),
      String(report.summary.skip),
      (report.durationMs / 1000).toFixed(1),
      firstLine(report.reason ?? ''),
    ]),
  );
  const failures = reports.flatMap((report) =>
    report.cases
      .filter((c) => c.status === 'fail')
      .map((c) => `  ${report.backend}: ${c.id}: ${c.reason ?? 'failed'}`),
  );
  return failures.length === 0 ? table : `${table}\n\nFailed checks:\n${failures.join('\n')}`;
}

/**
 * A Markdown report: the summary table and each failed case.
 *
 * @example
 * ```ts
 * await writeFile('conformance.md', conformanceMarkdown(reports));
 * ```
 */
export function conformanceMarkdown(reports: readonly ConformanceReport[]): string {
  const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# softmax-kit conformance',
    '',
    '| backend | status | pass | fail | skip | note |',
    '|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.backend} | ${r.status} | ${r.summary.pass} | ${r.summary.fail} | ${r.summary.skip} | ${cellText(r.reason ?? '')} |`,
    ),
  ];
  for (const report of reports) {
    const failed = report.cases.filter((c) => c.status === 'fail');
    if (failed.length === 0) continue;
    lines.push('', `## ${report.backend}: failed checks`, '');
    for (const c of failed) {
      lines.push(
        `- \`${c.id}\`: ${cellText(c.reason ?? c.title)}${c.error !== null && c.bound !== null ? ` (error ${c.error}, bound ${c.bound})` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function write(file: string, text: string): Promise<void> {
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/**
 * Writes the JSON reports: one file, or one `<backend>.json` per backend when `target` ends in `/`.
 *
 * @example
 * ```ts
 * await writeConformanceJson('reports/conformance/', reports);
 * ```
 */
export async function writeConformanceJson(
  target: string,
  reports: readonly ConformanceReport[],
): Promise<void> {
  if (target.endsWith('/')) {
    for (const report of reports) {
      const name = report.backend.replace(/[^\w.-]+/g, '_');
      await write(`${target}${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
    }
    return;
  }
  const value = reports.length === 1 ? reports[0] : reports;
  await write(target, `${JSON.stringify(value, null, 2)}\n`);
}

function xmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** JUnit XML for suites without `toJUnit`: one testsuite per backend, one testcase per case. */
function fallbackJUnit(report: ConformanceReport): string {
  const cases = report.cases.map((c) => {
    const head = `<testcase classname="${xmlText(`${report.backend}.${c.group}`)}" name="${xmlText(c.id)}" time="${(c.durationMs / 1000).toFixed(3)}"`;
    if (c.status === 'pass') return `${head}/>`;
    const tag = c.status === 'fail' ? 'failure' : 'skipped';
    return `${head}><${tag} message="${xmlText(c.reason ?? c.title)}"/></testcase>`;
  });
  if (report.status === 'skip' && report.cases.length === 0) {
    cases.push(
      `<testcase classname="${xmlText(report.backend)}" name="load"><skipped message="${xmlText(report.reason ?? 'unavailable')}"/></testcase>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="${xmlText(report.backend)}" tests="${cases.length}" failures="${report.summary.fail}" skipped="${report.summary.skip}">\n${cases.join('\n')}\n</testsuite>\n</testsuites>\n`;
}

function junit(api: ConformanceApi, reports: readonly ConformanceReport[]): string {
  const one = (report: ConformanceReport) => api.toJUnit?.(report) ?? fallbackJUnit(report);
  if (reports.length === 1) return one(reports[0] as ConformanceReport);
  {
    // Merge each report's <testsuite> elements under one <testsuites>.
    const suites = reports.map((report) =>
      one(report)
        .replace(/<\?xml[^>]*\?>\s*/, '')
        .replace(/<\/?testsuites[^>]*>\s*/g, ''),
    );
    return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
  }
}

/**
 * `softmax-kit conformance`: the suite on one or more backends, with reports.
 *
 * @example
 * ```ts
 * const code = await conformanceCommand(['--backend', 'all', '--junit', 'junit.xml'], io);
 * ```
 */
export async function conformanceCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message, 'conformance');
  }
  if (values.help) {
    io.stdout(`${CONFORMANCE_USAGE}\n`);
    return 0;
  }
  const specs = parseBackendList(values.backend, 'conformance');
  const explicit = new Set(values.backend.split(',').map((name) => name.trim()));
  const seed =
    values.seed === undefined ? undefined : numberOption('--seed', values.seed, 'conformance');
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new UsageError(`--seed must be an integer, got '${values.seed}'`, 'conformance');
  }
  const api = await loadConformanceApi();
  let groups: Set<string> | undefined;
  if (values.group !== undefined) {
    groups = new Set(values.group.split(',').map((group) => group.trim()));
    for (const group of groups) {
      if (!api.CHECK_GROUPS.includes(group)) {
        throw new UsageError(
          `unknown check group '${group}' (groups: ${api.CHECK_GROUPS.join(', ')})`,
          'conformance',
        );
      }
    }
  }
  const reports = await runConformanceOn(specs, {
    ...(groups === undefined ? {} : { groups }),
    seed: seed ?? api.DEFAULT_SEED,
    io,
    showProgress: values['no-progress'] !== true,
    api,
  });
  if (values.json !== undefined) await writeConformanceJson(values.json, reports);
  if (values.junit !== undefined) await write(values.junit, junit(api, reports));
  if (values.markdown !== undefined) await write(values.markdown, conformanceMarkdown(reports));
  io.stdout(`${formatConformanceSummary(reports)}\n`);
  const failed = reports.some(
    (report) =>
      report.status === 'fail' || (report.status === 'skip' && explicit.has(report.backend)),
  );
  return failed ? 1 : 0;
}
