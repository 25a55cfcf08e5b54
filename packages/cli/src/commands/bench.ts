import type { Dtype } from '@softmax-kit/core';
import { backendSubject } from '../bench/backend-subject.js';
import { type DecodingResult, runDecodingBench } from '../bench/decoding-bench.js';
import { kernelSubject } from '../bench/kernel-subject.js';
import { BENCH_OPS, type BenchOp, DEFAULT_OP, parseBenchOp } from '../bench/ops.js';
import { type BenchSettings, FULL_SETTINGS, QUICK_SETTINGS, runBench } from '../bench/run-bench.js';
import { samplingSubjects } from '../bench/sampling-subjects.js';
import { DEFAULT_SIZES, parseSizes } from '../bench/sizes.js';
import type { BenchSubject } from '../bench/subject.js';
import { zeroCopySubject } from '../bench/zero-copy-subject.js';
import type { BenchReport } from '../bench-report.js';
import { firstLine, formatNumber, formatTable } from '../format.js';
import { isModulePath, KNOWN_BACKENDS } from '../load-backend.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { copyBaseline, peerSubjects } from '../peers/peer-subjects.js';
import { progressBar } from '../progress.js';
import { UsageError } from '../usage-error.js';
import type { CommandIo } from './io.js';

export const BENCH_USAGE = `softmax-kit bench [--backend ts,tfjs-cpu,...|all] [--op ${BENCH_OPS.join('|')}] [--sizes ${DEFAULT_SIZES}] [--dtype float32|float64] [--peers] [--sampling] [--json FILE] [--quick] [--no-progress]
  Median / p10 / p90 ns per element (tinybench), ratios to the fastest and to a copy baseline,
  cold start, per-call fixed cost (1x1) and memory. k = 1024, M = 1024^2. --peers adds
  onnxruntime-node, transformers.js, raw tf.softmax (cpu, wasm) and a naive JS softmax.
  --op (default ${DEFAULT_OP}) times that op on every subject: the backends' logSoftmax /
  logSumExp, and the peers' own op (onnxruntime LogSoftmax / ReduceLogSumExp, tf.logSoftmax /
  tf.logSumExp, transformers.js log_softmax, naive JS); a peer without the op is listed as
  skipped with the reason. The goals and --sampling are softmax's.
  --sampling (on with --peers) adds @softmax-kit/sampling on ts and wasm (greedy, top-k 50, top-p 0.9,
  min-p 0.05, top-p with rawLogprobs / topN 5 / entropy) and a naive sort-based sampler at one-row
  sizes of >= 32k, batched top-p with and without wasm threads at 64 rows (e.g. --sizes 64x128k),
  and with --peers transformers.js's top-k path. Add the softmax subjects (--backend ts,wasm) for
  the ratios.`;

const OPTIONS = {
  backend: { type: 'string', default: 'all' },
  op: { type: 'string', default: DEFAULT_OP },
  sizes: { type: 'string', default: DEFAULT_SIZES },
  dtype: { type: 'string', default: 'float32' },
  peers: { type: 'boolean' },
  sampling: { type: 'boolean' },
  json: { type: 'string' },
  quick: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parses a `--backend` list: known names, module paths, or `all` (every known backend).
 *
 * @example
 * ```ts
 * parseBackendList('ts,tfjs-wasm', 'bench'); // ['ts', 'tfjs-wasm']
 * ```
 */
export function parseBackendList(text: string, command: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new UsageError('--backend is empty', command);
  const expanded = names.flatMap((name) => (name === 'all' ? [...KNOWN_BACKENDS] : [name]));
  for (const name of expanded) {
    if (!isModulePath(name) && !(KNOWN_BACKENDS as readonly string[]).includes(name)) {
      throw new UsageError(
        `unknown backend '${name}' (known: ${KNOWN_BACKENDS.join(', ')}, all, or a module path like ./my-backend.js)`,
        command,
      );
    }
  }
  return [...new Set(expanded)];
}

/** Parsed bench options, shared with `compare`. */
export interface BenchOptions {
  backends: string[];
  settings: BenchSettings;
  peers: boolean;
  /** Adds the sampling subjects (also on with `peers`, for softmax). */
  sampling?: boolean;
  /** The op every subject computes (default softmax). */
  op?: BenchOp;
}

/**
 * Runs the bench with a progress bar on stderr.
 *
 * @example
 * ```ts
 * const report = await runBenchWithProgress({ backends: ['ts'], settings, peers: true }, io, true);
 * ```
 */
export async function runBenchWithProgress(
  options: BenchOptions,
  io: CommandIo,
  showProgress: boolean,
): Promise<BenchReport> {
  const op = options.op ?? DEFAULT_OP;
  // Sampling draws from softmax: its subjects sit next to the softmax subjects only.
  const sampling = op === 'softmax' && (options.peers || options.sampling === true);
  const subjects: BenchSubject[] = [
    copyBaseline(),
    ...options.backends.map((spec) => backendSubject(spec, op)),
    // wasm again with arrays in its own memory (backend.allocate): no copy in or out.
    ...(options.backends.includes('wasm') ? [zeroCopySubject('wasm', op)] : []),
    // Each backend's kernel alone, so the report can say what core itself costs per element.
    ...options.backends.map((spec) => kernelSubject(spec, op)),
    ...(options.peers ? peerSubjects(op) : []),
    ...(sampling ? samplingSubjects({ peers: options.peers }) : []),
  ];
  const bar = progressBar(io, 'bench', showProgress);
  try {
    return await runBench(subjects, {
      ...options.settings,
      op,
      onProgress: ({ done, total, subject, size }) =>
        bar.update(done, total, subject === '' ? 'done' : `${subject} ${size}`),
    });
  } finally {
    bar.finish();
  }
}

function cell(value: number | null | undefined, suffix = ''): string {
  return value === null || value === undefined || Number.isNaN(value)
    ? '-'
    : `${formatNumber(value, 3)}${suffix}`;
}

/**
 * The bench report as text: median ns/element per subject and size (ratio to the fastest in
 * parentheses), then cold start, fixed cost and memory per subject, then the goals.
 *
 * @example
 * ```ts
 * io.stdout(formatBenchReport(report));
 * ```
 */
export function formatBenchReport(report: BenchReport): string {
  const sizes = [...new Set(report.results.map((r) => r.size))];
  const rows = report.subjects.map((info) => [
    info.subject,
    ...sizes.map((size) => {
      const result = report.results.find((r) => r.subject === info.subject && r.size === size);
      if (result === undefined || result.skipped !== undefined) return '-';
      return `${cell(result.nsPerElement.median)} (${cell(result.ratioToFastest, 'x')})`;
    }),
  ]);
  // Each subject's spread: p10-p90 ns/element and p90/p10. Peers with a thread pool (onnxruntime)
  // are bimodal on a shared machine (the pool gets both cores or not), which a median hides.
  const spreadRows = report.subjects.map((info) => [
    info.subject,
    ...sizes.map((size) => {
      const result = report.results.find((r) => r.subject === info.subject && r.size === size);
      if (result === undefined || result.skipped !== undefined) return '-';
      const { p10, p90 } = result.nsPerElement;
      return `${cell(p10)}-${cell(p90)} (${cell(p90 / p10, 'x')})`;
    }),
  ]);
  // One part with the medians (compare prints the report without its first part). The heading
  // names the op (reports without one are softmax's).
  const op = report.op ?? DEFAULT_OP;
  const speed = `${formatTable([`${op}: median ns/element (x fastest)`, ...sizes], rows)}\n${formatTable(
    [`${op}: spread: p10-p90 ns/element (p90/p10)`, ...sizes],
    spreadRows,
  )}`;
  const infoRows = report.subjects.map((info) => [
    info.subject,
    info.version ?? '',
    cell(info.coldStartMs),
    cell(info.fixedCostUs),
    cell(info.memory.peakRssMb),
    cell(info.memory.heapGrowthMb),
    info.unavailable === undefined ? '' : `unavailable: ${firstLine(info.unavailable)}`,
  ]);
  const infos = formatTable(
    ['subject', 'version', 'cold start ms', '1x1 us/call', 'peak RSS MB', 'heap growth MB', ''],
    infoRows,
  );
  const goals = (report.goals ?? []).map((g) => [
    g.id,
    g.target,
    g.ratio === null
      ? '-'
      : `${formatNumber(g.ratio, 3)}${g.id.startsWith('core-cost') ? ' ns/el' : 'x'}`,
    g.met === null ? 'not measured' : g.met ? 'met' : 'MISSED',
  ]);
  const parts = [speed, infos];
  if (goals.length > 0)
    parts.push(formatTable(['goal (speed-up vs reference)', 'target', 'measured', ''], goals));
  parts.push(
    `${report.environment.cpu}, ${report.environment.cores} cores, ${report.environment.runtimeVersion}, ${report.results[0]?.dtype ?? ''}; ${report.harness}; ${(report.durationMs / 1000).toFixed(0)} s`,
  );
  return parts.join('\n\n');
}

/** The decoding measurements as a table: median ms per call, the softmax's, and their ratio. */
function formatDecoding(results: readonly DecodingResult[]): string {
  return formatTable(
    ['decoding (ts)', 'rows x cols', 'median ms', 'softmax ms', 'x softmax'],
    results.map((r) => [
      r.id,
      `${r.rows}x${r.cols}`,
      cell(r.medianMs),
      cell(r.softmaxMedianMs),
      cell(r.ratioToSoftmax, 'x'),
    ]),
  );
}

/**
 * Writes a JSON file, creating its folder, within a time limit: a path that cannot be written
 * (or a file system that hangs, such as a missing folder under /proc) is a `FileWriteError`
 * with the path and the reason (the CLI prints it and exits 1), never a hang.
 *
 * @example
 * ```ts
 * await writeJson('reports/bench/bench.json', report);
 * ```
 */
export async function writeJson(file: string, value: unknown): Promise<void> {
  const { writeFileWithin } = await import('@softmax-kit/conformance/node');
  await writeFileWithin(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Makes the folder of an output file and checks it is writable, before a long run (throws
 * `FileWriteError`, within a time limit).
 *
 * @example
 * ```ts
 * await prepareOutput('reports/bench/bench.json');
 * ```
 */
export async function prepareOutput(file: string): Promise<void> {
  const { prepareFile } = await import('@softmax-kit/conformance/node');
  await prepareFile(file);
}

/**
 * Parses bench's flags into settings (also used by `compare`).
 *
 * @example
 * ```ts
 * benchSettings({ sizes: '1x10,32x1k', dtype: 'float32', quick: true });
 * ```
 */
export function benchSettings(values: {
  sizes: string;
  dtype: string;
  quick?: boolean | undefined;
}): BenchSettings {
  if (values.dtype !== 'float32' && values.dtype !== 'float64') {
    throw new UsageError(`--dtype must be float32 or float64, got '${values.dtype}'`, 'bench');
  }
  return {
    ...(values.quick ? QUICK_SETTINGS : FULL_SETTINGS),
    sizes: parseSizes(values.sizes),
    dtype: values.dtype as Dtype,
    quick: values.quick === true,
  };
}

/**
 * `softmax-kit bench`: benchmarks backends (and peers with `--peers`) in this process.
 *
 * @example
 * ```ts
 * await benchCommand(['--backend', 'ts', '--peers', '--quick', '--json', 'bench.json'], io);
 * ```
 */
export async function benchCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, 'bench');
  if (values.help) {
    io.stdout(`${BENCH_USAGE}\n`);
    return 0;
  }
  const op = parseBenchOp(values.op, 'bench');
  if (values.sampling === true && op !== 'softmax') {
    throw new UsageError(
      `--sampling measures sampling next to softmax; drop it or use --op softmax (got --op ${op})`,
      'bench',
    );
  }
  const options: BenchOptions = {
    backends: parseBackendList(values.backend, 'bench'),
    settings: benchSettings(values),
    peers: values.peers === true,
    sampling: values.sampling === true,
    op,
  };
  if (values.json !== undefined) await prepareOutput(values.json);
  const report = await runBenchWithProgress(options, io, values['no-progress'] !== true);
  // --sampling: the decoding primitives and DRY next to a softmax of the same rows (SPEC v1.1).
  const decoding: DecodingResult[] | undefined = options.sampling
    ? await runDecodingBench(options.settings, options.settings.dtype)
    : undefined;
  if (values.json !== undefined)
    await writeJson(values.json, decoding === undefined ? report : { ...report, decoding });
  io.stdout(`${formatBenchReport(report)}\n`);
  if (decoding !== undefined) io.stdout(`\n${formatDecoding(decoding)}\n`);
  return 0;
}
