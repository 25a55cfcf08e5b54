/** Text and Markdown summaries of conformance reports (framework-free). */
import { PROFILE_SIZES, type Profile } from './profile.js';
import { CHECK_GROUPS, type ConformanceReport } from './report.js';
import { formatMs } from './time-limits.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join(
    '\n',
  );
}

function label(report: ConformanceReport): string {
  return report.environment.runtime === 'browser' ? `${report.backend} (browser)` : report.backend;
}

/** The cases failed without running, one line per reason (they are many, and say the same). */
function notRunLines(report: ConformanceReport): string[] {
  const byReason = new Map<string, number>();
  for (const c of report.cases)
    if (c.status === 'fail' && c.notRun)
      byReason.set(c.reason ?? 'not run', (byReason.get(c.reason ?? 'not run') ?? 0) + 1);
  return [...byReason].map(
    ([reason, count]) => `  ${label(report)}: ${count} check${count === 1 ? '' : 's'} ${reason}`,
  );
}

/** What a profile ran, in words: its batch shapes and split calls. */
function describeProfile(profile: Profile): string {
  const sizes = PROFILE_SIZES[profile];
  return `${profile}: batches ${sizes.batches.map(([r, c]) => `${r}x${c}`).join(', ')}; at each declared elements threshold ${sizes.splitRows.join(', ')} row(s)`;
}

function short(value: number): string {
  return value.toPrecision(2);
}

/**
 * A plain-text summary of one or more conformance reports: one line per backend (status, counts,
 * time, precision), a matrix of groups by backend, then every failure with its measured error
 * and bound, and the reason of every backend that was skipped.
 *
 * @example
 * ```ts
 * console.log(formatSummary([await runConformance(tsBackend())]));
 * ```
 */
export function formatSummary(reports: readonly ConformanceReport[]): string {
  const overview = table([
    ['backend', 'runtime', 'status', 'pass', 'fail', 'skip', 'time', 'precision (f32/f64)'],
    ...reports.map((r) => [
      label(r),
      r.environment.runtime,
      r.status.toUpperCase(),
      String(r.summary.pass),
      String(r.summary.fail),
      String(r.summary.skip),
      `${(r.durationMs / 1000).toFixed(1)} s`,
      r.capabilities
        ? `${r.capabilities.computePrecision.float32 ?? '?'}/${r.capabilities.computePrecision.float64 ?? '?'}`
        : '-',
    ]),
  ]);
  const loaded = reports.filter((r) => r.capabilities !== null);
  const matrix = loaded.length
    ? table([
        ['group', ...loaded.map(label)],
        ...CHECK_GROUPS.map((group) => [
          group,
          ...loaded.map((r) => {
            const cases = r.cases.filter((c) => c.group === group);
            const pass = cases.filter((c) => c.status === 'pass').length;
            const fail = cases.filter((c) => c.status === 'fail').length;
            const skip = cases.length - pass - fail;
            return `${pass}/${cases.length}${fail ? ` (${fail} FAIL)` : ''}${skip ? ` (${skip} skip)` : ''}`;
          }),
        ]),
      ])
    : '';
  const failures = reports.flatMap((r) => [
    ...r.cases
      .filter((c) => c.status === 'fail' && !c.notRun)
      .map((c) => {
        const numbers =
          c.error !== null && c.bound !== null
            ? ` [error ${short(c.error)} > bound ${short(c.bound)}]`
            : '';
        const reason =
          (c.reason ?? '').length > 300 ? `${(c.reason ?? '').slice(0, 300)}...` : (c.reason ?? '');
        return `  ${label(r)} ${c.id}${numbers}: ${reason}`;
      }),
    ...notRunLines(r),
  ]);
  const skippedBackends = reports
    .filter((r) => r.status === 'skip')
    .map((r) => `  ${label(r)}: ${r.reason ?? 'skipped'}`);
  const skippedCases = reports.flatMap((r) =>
    r.status === 'skip'
      ? []
      : r.cases
          .filter((c) => c.status === 'skip')
          .map((c) => `  ${label(r)} ${c.id}: ${c.reason ?? ''}`),
  );
  const profiles = [...new Set(reports.flatMap((r) => (r.profile ? [r.profile] : [])))];
  const profileLine = profiles.length
    ? `\nProfile: ${profiles.join(', ')} (${profiles.map(describeProfile).join('; ')})`
    : '';
  const limits = reports.find((r) => r.timeLimits)?.timeLimits;
  const limitsLine = limits
    ? `\nTime limits: init ${formatMs(limits.initMs)}, each case ${formatMs(limits.caseMs)}, whole run ${formatMs(limits.runMs)} (--init-timeout, --case-timeout, --run-timeout)`
    : '';
  return [
    overview,
    matrix && `\n${matrix}`,
    failures.length ? `\nFailed checks (${failures.length}):\n${failures.join('\n')}` : '',
    skippedBackends.length
      ? `\nBackends not run (skipped, not passed):\n${skippedBackends.join('\n')}`
      : '',
    skippedCases.length ? `\nSkipped checks:\n${skippedCases.join('\n')}` : '',
    profileLine,
    limitsLine,
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A Markdown report: the summary table (with each backend's declared compute precision) and
 * each failed case.
 *
 * @example
 * ```ts
 * await writeFile('conformance.md', formatMarkdown(reports));
 * ```
 */
export function formatMarkdown(reports: readonly ConformanceReport[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '# softmax-kit conformance',
    '',
    '| backend | runtime | status | pass | fail | skip | precision (f32/f64) | note |',
    '|---|---|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.backend} | ${r.environment.runtime} | ${r.status} | ${r.summary.pass} | ${r.summary.fail} | ${r.summary.skip} | ${r.capabilities ? `${r.capabilities.computePrecision.float32 ?? '?'}/${r.capabilities.computePrecision.float64 ?? '?'}` : '-'} | ${cell(r.reason ?? '')} |`,
    ),
  ];
  for (const report of reports) {
    const failed = report.cases.filter((c) => c.status === 'fail');
    if (failed.length === 0) continue;
    lines.push('', `## ${report.backend}: failed checks`, '');
    for (const c of failed) {
      lines.push(
        `- \`${c.id}\`: ${cell(c.reason ?? c.title)}${c.error !== null && c.bound !== null ? ` (error ${c.error}, bound ${c.bound})` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
