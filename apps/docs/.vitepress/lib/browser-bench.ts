/**
 * "Benchmark in my browser": the same measurement as the CLI's bench, in miniature, producing a
 * BenchReport so the page draws it with the same chart. Browser only.
 */
import type { Backend, KernelRequest } from '@softmax-kit/core';
import { type BackendId, getSoftmax } from './backends.js';
import { sizeLabel } from './format.js';
import type { BenchReport, BenchResult } from './report-types.js';

export const browserSizes: [number, number][] = [
  [1, 10],
  [1, 1024],
  [32, 1024],
  [1, 32768],
  [1, 131072],
];

/** Three passes in plain JS: max, exp and sum, divide. The baseline every library should beat. */
function naiveSoftmax(input: Float32Array, output: Float32Array, rows: number, cols: number): void {
  for (let row = 0; row < rows; row++) {
    const start = row * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let index = start; index < start + cols; index++) max = Math.max(max, input[index]!);
    let sum = 0;
    for (let index = start; index < start + cols; index++) {
      const value = Math.exp(input[index]! - max);
      output[index] = value;
      sum += value;
    }
    for (let index = start; index < start + cols; index++) output[index] = output[index]! / sum;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Loads core and runs one call through it on a minimal float64 JS backend, then disposes it. */
async function warmCore(): Promise<void> {
  const { createSoftmax } = await import('@softmax-kit/core');
  const backend: Backend = {
    specificationVersion: 'v1',
    name: 'warm-up',
    async doInit() {
      return {
        dtypes: ['float64'],
        computePrecision: { float32: 'float64', float64: 'float64' },
        sync: false,
        device: 'js',
      };
    },
    async doCompute({ input, output, rows, cols, rowMax, temperature, skip }: KernelRequest) {
      for (let row = 0; row < rows; row++) {
        if (skip?.[row]) continue;
        let sum = 0;
        for (let c = row * cols; c < (row + 1) * cols; c++) {
          output[c] = Math.exp((input[c]! - rowMax[row]!) / temperature[row]!);
          sum += output[c]!;
        }
        for (let c = row * cols; c < (row + 1) * cols; c++) output[c] = output[c]! / sum;
      }
    },
    async doDispose() {},
  };
  const softmax = await createSoftmax(backend);
  await softmax.softmax(new Float32Array([1, 2, 3]));
  await softmax.dispose();
}

/** The GPU this browser reports through WebGL (the unmasked renderer when allowed), or null. */
export function webglRenderer(): string | null {
  try {
    const gl = document.createElement('canvas').getContext('webgl');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}

/** Shortest batch: long enough for the page's timer (5 us when cross-origin isolated, else 100 us). */
const MIN_BATCH_MS = 5;

/**
 * Times `call` in batches of at least MIN_BATCH_MS each, for about `budgetMs`; returns
 * microseconds per call of each batch. It warms up for a while first and only then sizes the
 * batch: sized on the first, cold calls (a few tens of microseconds each before the JIT has
 * compiled them), a fast subject's batch came out ~50x too short, so each sample was a few
 * timer ticks plus any GC pause, and `ts` read ~1 us per element at 1x10 (about 0.1 us/call).
 */
async function timeCalls(call: () => Promise<unknown>, budgetMs: number): Promise<number[]> {
  const warmUntil = performance.now() + Math.min(100, budgetMs / 3);
  let warmCalls = 0;
  while (warmCalls < 3 || performance.now() < warmUntil) {
    await call();
    warmCalls += 1;
  }
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let index = 0; index < batch; index++) await call();
    const elapsed = performance.now() - start;
    if (elapsed >= MIN_BATCH_MS || batch >= 1 << 20) break;
    batch *= elapsed > 0 ? Math.min(16, Math.ceil((MIN_BATCH_MS * 1.5) / elapsed)) : 16;
  }
  const samples: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (samples.length < 5 || (performance.now() < deadline && samples.length < 30)) {
    const start = performance.now();
    for (let index = 0; index < batch; index++) await call();
    samples.push(((performance.now() - start) * 1000) / batch);
    await pause();
  }
  return samples;
}

export interface BenchProgress {
  done: number;
  total: number;
  current: string;
}

/** Runs every subject at every size, calling `onResult` after each so the chart grows live. */
export async function runBrowserBench(
  backends: BackendId[],
  onProgress: (progress: BenchProgress, report: BenchReport) => void,
  budgetMs = 300,
): Promise<BenchReport> {
  const started = performance.now();
  const report: BenchReport = {
    reportVersion: 1,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    harness: `in-page timer (performance.now, warm-up, batches >= ${MIN_BATCH_MS} ms, ~${budgetMs} ms per point, median of batches)`,
    quick: true,
    environment: {
      runtime: 'browser',
      runtimeVersion: navigator.userAgent,
      cpu: 'this browser',
      cores: navigator.hardwareConcurrency ?? 0,
      platform: navigator.platform,
      versions: {},
      device: webglRenderer(),
    },
    subjects: [],
    results: [],
  };
  // Core is shared by every backend: load it and run it once (on a throwaway backend) before
  // any cold start is timed, so the first backend measured does not carry the page's first use
  // of core (ts, measured first, showed 39-67 ms cold against 1-3 ms for the backends after it).
  await warmCore();
  const subjects = [...backends, 'peer:naive-js'] as const;
  const total = subjects.length * browserSizes.length;
  let done = 0;
  for (const subject of subjects) {
    const kind = subject === 'peer:naive-js' ? 'peer' : 'backend';
    const info: BenchReport['subjects'][number] = {
      subject,
      kind,
      coldStartMs: null,
      fixedCostUs: null,
      memory: { peakRssMb: null, heapGrowthMb: null },
    };
    report.subjects.push(info);
    let compute: (
      input: Float32Array,
      output: Float32Array,
      rows: number,
      cols: number,
    ) => Promise<unknown>;
    if (subject === 'peer:naive-js') {
      compute = async (input, output, rows, cols) => naiveSoftmax(input, output, rows, cols);
    } else {
      onProgress({ done, total, current: `${subject}: starting` }, report);
      const coldStart = performance.now();
      try {
        const softmax = await getSoftmax(subject);
        await softmax.softmax(new Float32Array([1, 2, 3]));
        info.coldStartMs = performance.now() - coldStart;
        compute = (input, output, rows, cols) =>
          softmax.softmax(input, { shape: [rows, cols], out: output });
      } catch (error) {
        info.unavailable = (error as Error).message;
        done += browserSizes.length;
        onProgress({ done, total, current: `${subject}: unavailable` }, report);
        continue;
      }
    }
    for (const [rows, cols] of browserSizes) {
      const size = sizeLabel(rows, cols);
      onProgress({ done, total, current: `${subject} at ${size}` }, report);
      await pause();
      const input = new Float32Array(rows * cols);
      for (let index = 0; index < input.length; index++) input[index] = (Math.random() - 0.5) * 20;
      const output = new Float32Array(rows * cols);
      const result: BenchResult = {
        subject,
        kind,
        size,
        rows,
        cols,
        dtype: 'float32',
        nsPerElement: { median: 0, p10: 0, p90: 0 },
        usPerCall: 0,
        samples: 0,
        ratioToFastest: 1,
        ratioToCopy: 1,
      };
      try {
        const samples = await timeCalls(() => compute(input, output, rows, cols), budgetMs);
        const perElement = (us: number) => (us * 1000) / (rows * cols);
        result.usPerCall = median(samples);
        result.samples = samples.length;
        result.nsPerElement = {
          median: perElement(result.usPerCall),
          p10: perElement(quantile(samples, 0.1)),
          p90: perElement(quantile(samples, 0.9)),
        };
      } catch (error) {
        result.skipped = (error as Error).message;
      }
      report.results.push(result);
      done += 1;
      onProgress({ done, total, current: `${subject} at ${size}` }, report);
    }
  }
  report.durationMs = performance.now() - started;
  onProgress({ done: total, total, current: 'done' }, report);
  return report;
}
