/**
 * The backend choice, computed from the measured reports: per runtime and problem size, which
 * backend to use and why, and for every backend the reasons to pick it anyway (bundle size,
 * precision, sync API, GPU). Pure: the page fetches the reports and renders what this returns.
 */
import { beats, decideRuntime, factoryCall, margin, peerLabel } from '@softmax-kit/cli/verdict';
import { formatKb, formatSig } from './format.js';
import { DEFAULT_BACKEND, KNOWN_BACKENDS, type Runtime } from './known-backends.js';
import type { BundleSizes } from './measure-bundles.js';
import type { ConformanceSummary } from './report-files.js';
import type { BenchReport, CaseStatus } from './report-types.js';

export const RUNTIMES: readonly Runtime[] = ['node', 'browser'];

/** A backend's conformance on one runtime, or why there is none. */
export type RuntimeStatus = CaseStatus | 'not measured' | 'does not run there';

export interface BackendRow {
  backend: string;
  label: string;
  status: Record<Runtime, RuntimeStatus>;
  /** The report's reason when a whole run was skipped or failed (e.g. a native binding missing). */
  reason?: string;
  /** What it computes in, from its capabilities; null when no report says. */
  precision: string | null;
  sync: boolean | null;
  device: string | null;
  /** min+gzip bytes an application ships for it; null when not measured or not applicable. */
  gzipBytes: number | null;
  bundleNote: string;
  coldStartMs: Record<Runtime, number | null>;
  /** Median ns per element (float32) by size label, per runtime. */
  speed: Record<Runtime, Record<string, number | null>>;
  /** Why one would pick it (measured facts only). */
  pros: string[];
  /** Why one would not. */
  cons: string[];
}

export interface SizeVerdict {
  size: string;
  elements: number;
  /** The backend to use at this size; null when no conforming backend was measured. */
  pick: string | null;
  pickNs: number | null;
  why: string;
  /** Peers faster than the pick by more than the spread, e.g. `onnxruntime-node (native) 2.4x`. */
  fasterPeers: string;
  /** Backends measured faster than the pick that do not pass conformance on this runtime. */
  excluded: string[];
  /** The same, each with why: `tfjs-wasm (fails conformance)`, `x (no conformance report)`. */
  excludedNote: string;
}

export interface RuntimeVerdict {
  runtime: Runtime;
  /** False when there is no benchmark report for this runtime. */
  measured: boolean;
  /** The benchmark was a `--quick` run: fewer samples, so the verdict is indicative. */
  quick: boolean;
  /** Consecutive sizes with the same pick, smallest first. */
  ranges: { pick: string | null; from: string; to: string; sizes: string[] }[];
  sizes: SizeVerdict[];
  /** The verdict's one sentence (`@softmax-kit/cli/verdict`), e.g. ``Node: `wasmBackend()`; ...``. */
  headline: string;
  /** The peers that beat the pick somewhere, or null. */
  peers: string | null;
  /** Our sampler against transformers.js's top-k, or null when not measured. */
  sampling: string | null;
  /** The browser run's device in words (SwiftShader: "a software renderer, not your GPU"). */
  device: string | null;
}

export interface DecisionInputs {
  conformance: { id: string; report: ConformanceSummary }[];
  bench: BenchReport | null;
  benchBrowser: BenchReport | null;
  bundles: BundleSizes | null;
}

const benchOf = (inputs: DecisionInputs, runtime: Runtime) =>
  runtime === 'node' ? inputs.bench : inputs.benchBrowser;

/** A report's backend name without the `-browser` suffix of browser runs. */
export const baseName = (backend: string) => backend.replace(/-browser$/, '');

/** Size labels of a bench report, smallest element count first (ties: fewer rows first). */
export function benchSizes(report: BenchReport | null): { size: string; elements: number }[] {
  const sizes = new Map<string, { elements: number; rows: number }>();
  for (const result of report?.results ?? []) {
    sizes.set(result.size, { elements: result.rows * result.cols, rows: result.rows });
  }
  return [...sizes.entries()]
    .sort((a, b) => a[1].elements - b[1].elements || a[1].rows - b[1].rows)
    .map(([size, { elements }]) => ({ size, elements }));
}

function speeds(report: BenchReport | null, backend: string): Record<string, number | null> {
  const speed: Record<string, number | null> = {};
  for (const result of report?.results ?? []) {
    if (result.subject !== backend || result.dtype !== 'float32') continue;
    speed[result.size] =
      result.skipped || !(result.nsPerElement.median > 0) ? null : result.nsPerElement.median;
  }
  return speed;
}

function bundleFor(
  backend: string,
  bundles: BundleSizes | null,
): { gzipBytes: number | null; note: string } {
  if (!bundles) return { gzipBytes: null, note: 'not measured' };
  const find = (id: string) => bundles.sizes.find((size) => size.id === id);
  if (backend === 'tfjs-node') return { gzipBytes: null, note: 'Node only (native libtensorflow)' };
  if (!backend.startsWith('tfjs-')) {
    const own = find(backend.replace(/-threads$/, ''));
    if (!own) return { gzipBytes: null, note: 'not measured' };
    return { gzipBytes: own.gzipBytes, note: own.error ? unmeasured(own.error) : own.label };
  }
  const device = find(backend);
  const adapter = find('tfjs-adapter');
  if (!device || !adapter) return { gzipBytes: null, note: 'not measured' };
  if (device.gzipBytes === null || adapter.gzipBytes === null) {
    return { gzipBytes: null, note: unmeasured(device.error ?? adapter.error) };
  }
  const wasm =
    backend === 'tfjs-wasm'
      ? bundles.assets.find((asset) => asset.id === 'tfjs-backend-wasm-simd.wasm')
      : undefined;
  return {
    gzipBytes: device.gzipBytes + adapter.gzipBytes,
    note: `adapter ${formatKb(adapter.gzipBytes)} + TensorFlow.js ${formatKb(device.gzipBytes)}${
      wasm?.gzipBytes ? `, plus ${formatKb(wasm.gzipBytes)} of wasm fetched at start` : ''
    }`,
  };
}

/** A short note for a bundle that could not be measured (the full reason stays in its title). */
function unmeasured(error: string | undefined): string {
  if (error?.includes('Could not resolve'))
    return 'not measured: package not installed in the docs';
  return error?.includes('pnpm build') ? 'not measured: packages not built' : 'not measured';
}

/** The first sentence of a long reason (the whole of it is in the cell's title). */
export function firstSentence(text: string, max = 110): string {
  const line = text.split('\n')[0]!;
  const end = line.search(/\.(\s|$)/);
  const sentence = end > 0 ? line.slice(0, end) : line;
  return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}

/** `float32` when every input dtype computes in it, else `float32 in: float32, float64 in: float64`. */
function describePrecision(precision: Record<string, string>): string {
  const distinct = [...new Set(Object.values(precision))];
  if (distinct.length === 1) return distinct[0]!;
  const entries = Object.entries(precision);
  if (entries.every(([dtype, value]) => dtype === value)) {
    return `the input's dtype (${entries.map(([dtype]) => dtype).join(' or ')})`;
  }
  return Object.entries(precision)
    .map(([dtype, value]) => `${dtype} in: ${value}`)
    .join(', ');
}

/** Backend names in a meaningful order: the known list (default first), then others by name. */
function orderedNames(inputs: DecisionInputs): string[] {
  const seen = new Set<string>();
  for (const { report } of inputs.conformance) seen.add(baseName(report.backend));
  for (const bench of [inputs.bench, inputs.benchBrowser]) {
    for (const subject of bench?.subjects ?? []) {
      // A backend is named plainly (`ts`, `tfjs-wasm`); prefixed subjects such as
      // `sampling:ts:top-p-0.9` measure something else on a backend.
      if (subject.kind === 'backend' && !subject.subject.includes(':')) seen.add(subject.subject);
    }
  }
  const known = KNOWN_BACKENDS.map((backend) => backend.name);
  return [...known, ...[...seen].filter((name) => !known.includes(name)).sort()];
}

function runtimeOf(report: ConformanceSummary): Runtime {
  return report.environment.runtime === 'browser' ? 'browser' : 'node';
}

/** A ratio as `3.0x`, or `131x` from 10 up. */
const times = (ratio: number) => (ratio >= 10 ? `${Math.round(ratio)}x` : `${ratio.toFixed(1)}x`);

/**
 * Per runtime: the verdict of `@softmax-kit/cli/verdict` (the rule written on the page as
 * DECISION_RULE), with backends that fail, skip or have no conformance report on that runtime
 * excluded, and per size why.
 */
export function verdicts(inputs: DecisionInputs, rows: BackendRow[]): RuntimeVerdict[] {
  return RUNTIMES.map((runtime) => {
    const bench = benchOf(inputs, runtime);
    const where = runtime === 'node' ? 'Node' : 'Browser';
    const defaultRow = rows.find((row) => row.backend === DEFAULT_BACKEND);
    if (!bench) {
      return {
        runtime,
        measured: false,
        quick: false,
        ranges: [],
        sizes: [],
        headline: `${where}: no benchmark yet; use \`${factoryCall(DEFAULT_BACKEND)}\`, the default (no dependencies, sync API${
          defaultRow?.status[runtime] === 'pass'
            ? `, passes conformance in ${where === 'Node' ? 'Node' : 'the browser'}`
            : ''
        }).`,
        peers: null,
        sampling: null,
        device: null,
      };
    }
    const excluded: Record<string, string> = {};
    for (const row of rows) {
      const status = row.status[runtime];
      if (status !== 'pass') {
        excluded[row.backend] =
          status === 'fail'
            ? 'fails conformance'
            : status === 'skip'
              ? 'skipped'
              : 'no conformance report';
      }
    }
    const verdict = decideRuntime({ runtime, reports: [bench], excluded });
    const ns = (value: number) => formatSig(value, 'ns/element');
    const measuredAt = (size: string) =>
      rows
        .map((row) => ({ row, ns: row.speed[runtime][size] ?? null }))
        .filter((item): item is { row: BackendRow; ns: number } => item.ns !== null);
    const sizes = verdict.sizes.map((choice): SizeVerdict => {
      const pickNs = choice.pickStats?.median ?? null;
      const faster =
        pickNs === null
          ? []
          : measuredAt(choice.size).filter(
              (item) => item.ns < pickNs && excluded[item.row.backend] !== undefined,
            );
      const base = choice.pickStats;
      const defaultNs = measuredAt(choice.size).find(
        (item) => item.row.backend === DEFAULT_BACKEND,
      )?.ns;
      const why =
        base === null
          ? 'no conforming backend measured at this size'
          : choice.pick === DEFAULT_BACKEND
            ? choice.fastest
              ? `${choice.fastest.backend} is ${times(base.median / choice.fastest.stats.median)} faster (${ns(choice.fastest.stats.median)}), ${
                  beats(choice.fastest.stats, base)
                    ? 'but not by more than the spread at most sizes from here up'
                    : `within the ${times(margin(base, choice.fastest.stats))} spread`
                }: the default has no dependencies`
              : `fastest, ${ns(base.median)}`
            : `${ns(base.median)}${defaultNs ? `, ${times(defaultNs / base.median)} faster than ${DEFAULT_BACKEND}` : ''}${
                choice.fastest
                  ? `; ${choice.fastest.backend} (${ns(choice.fastest.stats.median)}) is within the ${times(Math.max(base.spread, choice.fastest.stats.spread))} spread`
                  : ''
              }`;
      return {
        size: choice.size,
        elements: choice.elements,
        pick: choice.pick,
        pickNs,
        why,
        fasterPeers: choice.fasterPeers
          .map((item) => `${peerLabel(item.peer)} ${times(item.ratio)}`)
          .join(', '),
        excluded: faster.map((item) => item.row.backend),
        excludedNote: faster
          .map((item) => `${item.row.backend} (${excluded[item.row.backend]})`)
          .join(', '),
      };
    });
    return {
      runtime,
      measured: true,
      quick: bench.quick,
      ranges: verdict.ranges.map((range) => ({
        pick: range.pick,
        from: range.sizes[0] as string,
        to: range.sizes.at(-1) as string,
        sizes: range.sizes,
      })),
      sizes,
      headline: verdict.sentence,
      peers: verdict.peerSentence,
      sampling: verdict.samplingSentence,
      device: verdict.device,
    };
  });
}

/** One row per backend: the known ones (default first) and any other found in a report. */
export function backendRows(inputs: DecisionInputs): BackendRow[] {
  const rows = orderedNames(inputs).map((backend): BackendRow => {
    const known = KNOWN_BACKENDS.find((item) => item.name === backend);
    const reports = inputs.conformance.filter((item) => baseName(item.report.backend) === backend);
    const reportFor = (runtime: Runtime) =>
      reports.find((item) => runtimeOf(item.report) === runtime)?.report;
    const status = {} as Record<Runtime, RuntimeStatus>;
    for (const runtime of RUNTIMES) {
      const report = reportFor(runtime);
      status[runtime] = report
        ? report.status
        : known && !known.runtimes.includes(runtime)
          ? 'does not run there'
          : 'not measured';
    }
    const withCaps = reports.find((item) => item.report.capabilities)?.report;
    const caps = withCaps?.capabilities ?? null;
    const reason = reports.find((item) => item.report.reason)?.report.reason;
    const bundle = bundleFor(backend, inputs.bundles);
    const cold = (runtime: Runtime) =>
      benchOf(inputs, runtime)?.subjects.find((subject) => subject.subject === backend)
        ?.coldStartMs ?? null;
    return {
      backend,
      label: known?.label ?? backend,
      status,
      ...(reason ? { reason } : {}),
      precision: caps ? describePrecision(caps.computePrecision) : null,
      sync: caps ? caps.sync : null,
      device: caps?.device ?? null,
      gzipBytes: bundle.gzipBytes,
      bundleNote: bundle.note,
      coldStartMs: { node: cold('node'), browser: cold('browser') },
      speed: { node: speeds(inputs.bench, backend), browser: speeds(inputs.benchBrowser, backend) },
      pros: [],
      cons: [],
    };
  });
  addReasons(rows, inputs);
  return rows;
}

/** Fills each row's pros and cons from what was measured, relative to the other rows. */
function addReasons(rows: BackendRow[], inputs: DecisionInputs): void {
  const bundled = rows.filter((row) => row.gzipBytes !== null);
  const smallest = Math.min(...bundled.map((row) => row.gzipBytes!));
  const picks = verdicts(inputs, rows);
  for (const row of rows) {
    if (row.backend === DEFAULT_BACKEND) row.pros.push('the default: no dependencies');
    if (row.gzipBytes !== null && row.gzipBytes === smallest && bundled.length > 1) {
      row.pros.push(`smallest bundle (${formatKb(row.gzipBytes)} min+gzip)`);
    }
    if (row.precision?.includes('float64'))
      row.pros.push('float64 precision for Float64Array input');
    if (row.sync) row.pros.push('synchronous API (softmaxSync)');
    if (row.device === 'webgl' || row.device === 'webgpu') {
      row.pros.push('runs on the GPU, for apps that already keep tfjs tensors there');
    }
    for (const verdict of picks) {
      const sizes = verdict.ranges.filter((range) => range.pick === row.backend);
      if (!sizes.length || row.backend === DEFAULT_BACKEND) continue;
      const where = verdict.runtime === 'node' ? 'Node' : 'the browser';
      row.pros.push(
        `recommended in ${where} at ${sizes.map((range) => (range.from === range.to ? range.from : `${range.from}-${range.to}`)).join(', ')}`,
      );
    }
    for (const runtime of RUNTIMES) {
      const where = runtime === 'node' ? 'Node' : 'the browser';
      if (row.status[runtime] === 'fail') row.cons.push(`fails conformance in ${where}`);
      if (row.status[runtime] === 'skip') {
        row.cons.push(
          `could not run in ${where}${row.reason ? ` (${firstSentence(row.reason)})` : ''}`,
        );
      }
    }
    if (row.precision && !row.precision.includes('float64')) {
      row.cons.push(`computes in ${row.precision} only, also for Float64Array input`);
    }
    if (row.sync === false) row.cons.push('async only');
    if (
      RUNTIMES.every((runtime) =>
        ['not measured', 'does not run there'].includes(row.status[runtime]),
      )
    ) {
      row.cons.push('not measured yet');
    }
  }
}
