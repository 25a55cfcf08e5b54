import { CHECK_GROUPS, type ConformanceReport } from './report.js';

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
  const failures = reports.flatMap((r) =>
    r.cases
      .filter((c) => c.status === 'fail')
      .map((c) => {
        const numbers =
          c.error !== null && c.bound !== null
            ? ` [error ${short(c.error)} > bound ${short(c.bound)}]`
            : '';
        const reason =
          (c.reason ?? '').length > 300 ? `${(c.reason ?? '').slice(0, 300)}...` : (c.reason ?? '');
        return `  ${label(r)} ${c.id}${numbers}: ${reason}`;
      }),
  );
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
  return [
    overview,
    matrix && `\n${matrix}`,
    failures.length ? `\nFailed checks (${failures.length}):\n${failures.join('\n')}` : '',
    skippedBackends.length
      ? `\nBackends not run (skipped, not passed):\n${skippedBackends.join('\n')}`
      : '',
    skippedCases.length ? `\nSkipped checks:\n${skippedCases.join('\n')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}
