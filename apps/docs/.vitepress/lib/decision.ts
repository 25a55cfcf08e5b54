import type { LoadedReports } from './load-reports.js';
import type { BundleSizes } from './measure-bundles.js';
import type { BenchReport, CaseStatus } from './report-types.js';

export interface DecisionRow {
  backend: string;
  node: CaseStatus | 'not run';
  browser: CaseStatus | 'not run';
  /** Why the backend was skipped (whole report), if it was. */
  reason?: string;
  precision: string;
  sync: string;
  /** min+gzip bytes of what an app ships for this backend; null when not measured / not applicable. */
  gzipBytes: number | null;
  bundleNote: string;
  coldStartNodeMs: number | null;
  coldStartBrowserMs: number | null;
  /** Median ns per element by size label, Node then browser bench (float32). */
  speedNode: Record<string, number | null>;
  speedBrowser: Record<string, number | null>;
}

/** Size labels of a bench report (float32), smallest first. */
export function benchSizes(report: BenchReport | null): string[] {
  if (!report) return [];
  const sizes = new Map<string, number>();
  for (const result of report.results) sizes.set(result.size, result.rows * result.cols);
  return [...sizes.entries()].sort((a, b) => a[1] - b[1]).map(([size]) => size);
}

function speeds(report: BenchReport | null, backend: string): Record<string, number | null> {
  const speed: Record<string, number | null> = {};
  for (const result of report?.results ?? []) {
    if (result.subject !== backend || result.dtype !== 'float32') continue;
    speed[result.size] = result.skipped ? null : result.nsPerElement.median;
  }
  return speed;
}

function bundleFor(
  backend: string,
  bundles: BundleSizes,
): { gzipBytes: number | null; note: string } {
  const find = (id: string) => bundles.sizes.find((size) => size.id === id);
  if (backend === 'ts') {
    const ts = find('ts');
    return { gzipBytes: ts?.gzipBytes ?? null, note: ts?.error ?? 'core + backend-ts' };
  }
  if (backend === 'tfjs-node') return { gzipBytes: null, note: 'Node only (native libtensorflow)' };
  const device = backend.startsWith('tfjs-') ? find(backend) : undefined;
  const adapter = find('tfjs-adapter');
  if (!device || !adapter) return { gzipBytes: null, note: 'not measured' };
  if (device.gzipBytes === null || adapter.gzipBytes === null) {
    return { gzipBytes: null, note: device.error ?? adapter.error ?? 'not measured' };
  }
  const wasm =
    backend === 'tfjs-wasm'
      ? bundles.assets.find((asset) => asset.id === 'tfjs-backend-wasm-simd.wasm')
      : undefined;
  return {
    gzipBytes: device.gzipBytes + adapter.gzipBytes,
    note: `adapter ${(adapter.gzipBytes / 1000).toFixed(1)} kB + tfjs ${(device.gzipBytes / 1000).toFixed(1)} kB${
      wasm?.gzipBytes ? ` + ${(wasm.gzipBytes / 1000).toFixed(0)} kB wasm fetched at init` : ''
    }`,
  };
}

/** `float32` when every input dtype computes in it, else `float32 in: float32, float64 in: float64`. */
function describePrecision(precision: Record<string, string>): string {
  const distinct = [...new Set(Object.values(precision))];
  if (distinct.length === 1) return distinct[0]!;
  return Object.entries(precision)
    .map(([dtype, value]) => `${dtype} in: ${value}`)
    .join(', ');
}

/** One row per backend seen in any report (conformance or bench). */
export function decisionRows(reports: LoadedReports, bundles: BundleSizes): DecisionRow[] {
  const names = new Set<string>();
  for (const { report } of reports.conformance) names.add(report.backend.replace(/-browser$/, ''));
  for (const bench of [reports.bench, reports.benchBrowser]) {
    for (const subject of bench?.subjects ?? [])
      if (subject.kind === 'backend') names.add(subject.subject);
  }
  return [...names].sort().map((backend) => {
    const node = reports.conformance.find(
      (item) => item.report.environment.runtime !== 'browser' && item.report.backend === backend,
    );
    const browser = reports.conformance.find(
      (item) =>
        item.report.environment.runtime === 'browser' &&
        item.report.backend.replace(/-browser$/, '') === backend,
    );
    const caps = node?.report.capabilities ?? browser?.report.capabilities ?? null;
    const bundle = bundleFor(backend, bundles);
    const cold = (bench: BenchReport | null) =>
      bench?.subjects.find((subject) => subject.subject === backend)?.coldStartMs ?? null;
    return {
      backend,
      node: node?.report.status ?? 'not run',
      browser: browser?.report.status ?? 'not run',
      ...(node?.report.reason || browser?.report.reason
        ? { reason: node?.report.reason ?? browser?.report.reason }
        : {}),
      precision: caps ? describePrecision(caps.computePrecision) : 'unknown (did not load)',
      sync: caps ? (caps.sync ? 'yes' : 'no') : '',
      gzipBytes: bundle.gzipBytes,
      bundleNote: bundle.note,
      coldStartNodeMs: cold(reports.bench),
      coldStartBrowserMs: cold(reports.benchBrowser),
      speedNode: speeds(reports.bench, backend),
      speedBrowser: speeds(reports.benchBrowser, backend),
    };
  });
}

/** For each size: the fastest backend, and how it compares with the fastest peer, in one bench. */
export function fastestBySize(
  report: BenchReport | null,
): { size: string; backend: string; ns: number; peer?: string; peerNs?: number }[] {
  return benchSizes(report).flatMap((size) => {
    const atSize = (report?.results ?? []).filter(
      (result) =>
        result.size === size &&
        result.dtype === 'float32' &&
        !result.skipped &&
        result.nsPerElement.median > 0,
    );
    const best = (kind: string) =>
      atSize
        .filter((result) => result.kind === kind)
        .sort((a, b) => a.nsPerElement.median - b.nsPerElement.median)[0];
    const backend = best('backend');
    const peer = best('peer');
    if (!backend) return [];
    return [
      {
        size,
        backend: backend.subject,
        ns: backend.nsPerElement.median,
        ...(peer ? { peer: peer.subject, peerNs: peer.nsPerElement.median } : {}),
      },
    ];
  });
}
