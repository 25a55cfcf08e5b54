import type { ChartSeries } from './chart-types.js';
import { formatSig } from './format.js';
import type { BenchReport } from './report-types.js';

/** One series per subject: median ns per element against the number of elements (rows x cols). */
export function benchSeries(report: BenchReport, dtype?: 'float32' | 'float64'): ChartSeries[] {
  const bySubject = new Map<string, ChartSeries>();
  for (const result of report.results) {
    if (result.skipped || (dtype && result.dtype !== dtype)) continue;
    if (!(result.nsPerElement.median > 0)) continue;
    let series = bySubject.get(result.subject);
    if (!series) {
      series = { name: result.subject, points: [], dashed: result.kind !== 'backend' };
      bySubject.set(result.subject, series);
    }
    const { median, p10, p90 } = result.nsPerElement;
    series.points.push({
      x: result.rows * result.cols,
      y: median,
      label: `${result.size} ${result.dtype}: ${formatSig(median, 'ns/element')} (p10 ${formatSig(p10, '')}, p90 ${formatSig(p90, '')}), ${formatSig(result.usPerCall, 'us/call')}`,
    });
  }
  return [...bySubject.values()];
}

/** The dtypes present in a report, float32 first. */
export function benchDtypes(report: BenchReport): ('float32' | 'float64')[] {
  const dtypes = new Set(report.results.map((result) => result.dtype));
  return (['float32', 'float64'] as const).filter((dtype) => dtypes.has(dtype));
}

/** Subject names in report order (backends first), for stable colours. */
export function subjectOrder(report: BenchReport): string[] {
  const kinds = { backend: 0, peer: 1, baseline: 2 } as const;
  return [...report.subjects]
    .sort((a, b) => kinds[a.kind] - kinds[b.kind])
    .map((subject) => subject.subject);
}
