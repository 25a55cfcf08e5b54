/**
 * The speed charts' data, from a bench report: one panel per batch size (rows) and dtype, each
 * with one line per subject over the row length, so sizes with equal element counts (32x1k and
 * 1x32k) sit in different panels instead of sharing an x value. Pure (no DOM).
 */
import { formatCount, formatSig } from './format.js';
import type { BenchReport } from './report-types.js';

export interface SpeedPoint {
  subject: string;
  kind: 'backend' | 'peer' | 'baseline';
  size: string;
  cols: number;
  ns: number;
  /** The tooltip, one fact per line. */
  title: string;
}

export interface SpeedPanel {
  rows: number;
  dtype: 'float32' | 'float64';
  title: string;
  /** The measured row lengths, smallest first: the x ticks. */
  cols: number[];
  points: SpeedPoint[];
}

/** The tooltip of one result: `ts` / `32x1k float32: 3.1 ns/element (p10 2.9, p90 3.4)` / `99 us/call`. */
export function pointTitle(
  subject: string,
  size: string,
  dtype: string,
  ns: { median: number; p10: number; p90: number },
  usPerCall: number,
): string {
  const plain = (value: number) => formatSig(value, '').trim();
  return [
    subject,
    `${size} ${dtype}: ${formatSig(ns.median, 'ns/element')} (p10 ${plain(ns.p10)}, p90 ${plain(ns.p90)})`,
    formatSig(usPerCall, 'us/call'),
  ].join('\n');
}

/** One panel per (dtype, rows), float32 first, fewer rows first. */
export function speedPanels(report: BenchReport): SpeedPanel[] {
  const panels = new Map<string, SpeedPanel>();
  for (const result of report.results) {
    if (result.skipped || !(result.nsPerElement.median > 0)) continue;
    const key = `${result.dtype} ${result.rows}`;
    let panel = panels.get(key);
    if (!panel) {
      panel = {
        rows: result.rows,
        dtype: result.dtype,
        title: `${result.rows === 1 ? '1 row' : `${formatCount(result.rows)} rows`} x row length, ${result.dtype}`,
        cols: [],
        points: [],
      };
      panels.set(key, panel);
    }
    if (!panel.cols.includes(result.cols)) panel.cols.push(result.cols);
    panel.points.push({
      subject: result.subject,
      kind: result.kind,
      size: result.size,
      cols: result.cols,
      ns: result.nsPerElement.median,
      title: pointTitle(
        result.subject,
        result.size,
        result.dtype,
        result.nsPerElement,
        result.usPerCall,
      ),
    });
  }
  for (const panel of panels.values()) {
    panel.cols.sort((a, b) => a - b);
    panel.points.sort((a, b) => a.subject.localeCompare(b.subject) || a.cols - b.cols);
  }
  return [...panels.values()].sort(
    (a, b) => (a.dtype === b.dtype ? 0 : a.dtype === 'float32' ? -1 : 1) || a.rows - b.rows,
  );
}

/** Subject names, backends first (default `ts` first), then peers, then baselines. */
export function subjectOrder(report: BenchReport): string[] {
  const kinds = { backend: 0, peer: 1, baseline: 2 } as const;
  return report.subjects
    .map((subject, index) => ({ subject, index }))
    .sort(
      (a, b) =>
        kinds[a.subject.kind] - kinds[b.subject.kind] ||
        Number(b.subject.subject === 'ts') - Number(a.subject.subject === 'ts') ||
        a.index - b.index,
    )
    .map(({ subject }) => subject.subject);
}

/** Distinct colours, backends first in line; baselines are drawn grey. */
const palette = [
  '#3451b2',
  '#d2462b',
  '#1f9d55',
  '#a0629d',
  '#c08b00',
  '#0e8a9e',
  '#e06c9f',
  '#6a4c2f',
  '#4b8bf4',
  '#ff7f0e',
  '#7a8c00',
  '#17becf',
  '#9467bd',
  '#bcbd22',
];

/** Colours for `names`, in order: one fixed palette, grey for the baselines (`baseline:`, `kernel:`). */
export function colorsFor(names: readonly string[]): string[] {
  let next = 0;
  return names.map((name) =>
    /^(baseline|kernel):/.test(name) ? '#8a8a8a' : palette[next++ % palette.length]!,
  );
}

/** The families drawn in separate charts, so no panel holds more than a handful of lines. */
export const FAMILIES = ['ours', 'peers', 'sampling'] as const;
export type Family = (typeof FAMILIES)[number];

/** A chart family's title. */
export const FAMILY_TITLES: Record<Family, string> = {
  ours: 'softmax-kit backends',
  peers: 'other libraries (peers), with wasm for reference',
  sampling: 'sampling one token (top-k 50 / top-p 0.9), ns per logit',
};

/** The backend drawn in the peers chart for reference. */
export const PEER_REFERENCE = 'wasm';

/**
 * Which chart a subject is drawn in, or null when it is not charted (the copy baseline and the
 * kernel-alone baselines are in the numbers table only).
 */
export function familyOf(subject: string, kind: 'backend' | 'peer' | 'baseline'): Family | null {
  if (kind === 'baseline' || subject.startsWith('kernel:')) return null;
  if (subject.startsWith('sampling:') || /sampler|top-k/.test(subject)) return 'sampling';
  return kind === 'peer' ? 'peers' : 'ours';
}

/** Whether a subject is drawn in `family`'s chart (the peers chart also draws the reference). */
export function inFamily(
  family: Family,
  subject: string,
  kind: 'backend' | 'peer' | 'baseline',
): boolean {
  return familyOf(subject, kind) === family || (family === 'peers' && subject === PEER_REFERENCE);
}

/** The label drawn at a line's end: `onnxruntime-node`, `ours top-k 50`. */
export function lineLabel(subject: string): string {
  return subject
    .replace(/^peer:/, '')
    .replace(/^sampling:ts:/, 'ours ')
    .replace(/-top-k-50$/, ' top-k 50')
    .replace(/top-k-50$/, 'top-k 50')
    .replace(/top-p-0\.9$/, 'top-p 0.9');
}
