/**
 * The reports as static JSON files of the built site (under `data/`), fetched by the pages that
 * show them instead of being inlined into every page's JavaScript. Written at build time by
 * `reportFiles` (config.ts `buildEnd`; served from memory by the dev server). A report that does
 * not exist is written as `null`, so a page can tell "not run" from a failed request.
 */
import type { LoadedConformance, LoadedReports } from './load-reports.js';
import type { BenchReport, ConformanceReport } from './report-types.js';

/** The files, relative to the site's base. */
export const REPORT_FILES = {
  /** Every conformance report, cases included (the conformance matrix). */
  conformance: 'data/conformance.json',
  /** The same without their cases (the backend choice needs only verdicts and capabilities). */
  conformanceSummary: 'data/conformance-summary.json',
  bench: 'data/bench.json',
  benchBrowser: 'data/bench-browser.json',
} as const;

export type ReportFile = keyof typeof REPORT_FILES;

/** A conformance report without its per-case results. */
export type ConformanceSummary = Omit<ConformanceReport, 'cases'>;

export interface ConformanceFile<Report> {
  /** Where the reports were read from (relative to the repo root), for "run X" hints. */
  dir: string;
  /** Report files that exist but could not be read, with the reason. */
  problems: string[];
  reports: { id: string; report: Report }[];
}

/** The contents of each file. */
export interface ReportFileContents {
  conformance: ConformanceFile<ConformanceReport>;
  conformanceSummary: ConformanceFile<ConformanceSummary>;
  bench: BenchReport | null;
  benchBrowser: BenchReport | null;
}

function summarise({ id, report }: LoadedConformance): { id: string; report: ConformanceSummary } {
  const { cases: _cases, ...summary } = report;
  return { id, report: summary };
}

/** The JSON text of every report file, by path under the site's output folder. */
export function reportFiles(loaded: LoadedReports): Record<string, string> {
  const contents: ReportFileContents = {
    conformance: { dir: loaded.dir, problems: loaded.problems, reports: loaded.conformance },
    conformanceSummary: {
      dir: loaded.dir,
      problems: loaded.problems,
      reports: loaded.conformance.map(summarise),
    },
    bench: loaded.bench,
    benchBrowser: loaded.benchBrowser,
  };
  const files: Record<string, string> = {};
  for (const [key, path] of Object.entries(REPORT_FILES)) {
    files[path] = JSON.stringify(contents[key as ReportFile]);
  }
  return files;
}
