import type { Dtype, FloatArray } from '@softmax-kit/core';
import type { BenchReport, BenchResult, BenchSubjectInfo } from '../bench-report.js';
import { benchEnvironment, packageVersion } from '../environment.js';
import { messageOf } from '../load-backend.js';
import { evaluateGoals } from './goals.js';
import { type MeasureSettings, measureCall, quantile } from './measure.js';
import { collectGarbage, retainedMb, rssMb } from './memory.js';
import { type BenchOp, DEFAULT_OP, resultLength } from './ops.js';
import type { BenchSize } from './sizes.js';
import { type BenchSubject, callOnce } from './subject.js';

/** What `runBench` measures and how long it may take. */
export interface BenchSettings extends MeasureSettings {
  sizes: readonly BenchSize[];
  dtype: Dtype;
  quick: boolean;
  /** The op the subjects compute (each subject is made for it); default softmax. Sizes the
   *  outputs (one value per row for logSumExp) and is written into the report. */
  op?: BenchOp;
  /** Called before each measurement and once at the end (`done === total`). */
  onProgress?: (progress: { done: number; total: number; subject: string; size: string }) => void;
}

/** Time settings of a full run and of `--quick`. */
export const FULL_SETTINGS: MeasureSettings = {
  timeMs: 1000,
  warmupMs: 200,
  minSamples: 5,
  sampleMs: 0.5,
};
export const QUICK_SETTINGS: MeasureSettings = {
  timeMs: 150,
  warmupMs: 40,
  minSamples: 3,
  sampleMs: 0.25,
};

/** Seeded logits in [-8, 8) (mulberry32), the same for every subject. */
function logits(length: number, dtype: Dtype, seed: number): FloatArray {
  const data = dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 16 - 8) as number;
  }
  return data;
}

function skippedResult(
  subject: BenchSubject,
  size: BenchSize,
  dtype: Dtype,
  reason: string,
): BenchResult {
  return {
    subject: subject.id,
    kind: subject.kind,
    size: size.label,
    rows: size.rows,
    cols: size.cols,
    dtype,
    nsPerElement: { median: Number.NaN, p10: Number.NaN, p90: Number.NaN },
    usPerCall: Number.NaN,
    samples: 0,
    ratioToFastest: Number.NaN,
    ratioToCopy: Number.NaN,
    skipped: reason,
  };
}

/**
 * Runs every subject at every size in this process, one subject after the other: load, init
 * plus a first 1x1 call (cold start), 1x1 (per-call fixed cost), then each size through tinybench.
 * Ratios are computed at the end against the fastest non-baseline subject and the copy baseline
 * of the same size.
 *
 * @example
 * ```ts
 * const report = await runBench([copyBaseline(), backendSubject('ts')], {
 *   ...QUICK_SETTINGS, sizes: parseSizes('1x1k'), dtype: 'float32', quick: true,
 * });
 * ```
 */
export async function runBench(
  subjects: readonly BenchSubject[],
  settings: BenchSettings,
): Promise<BenchReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const { dtype, sizes } = settings;
  const op = settings.op ?? DEFAULT_OP;
  const inputs = sizes.map((size, index) => logits(size.rows * size.cols, dtype, 0x5eed + index));
  const outputs = sizes.map((size) => {
    const length = resultLength(op, size.rows, size.cols);
    return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  });
  const tinyInput = logits(1, dtype, 1);
  const tinyOutput = dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);

  const infos: BenchSubjectInfo[] = [];
  const results: BenchResult[] = [];
  const total = subjects.length * (sizes.length + 1);
  let done = 0;
  const progress = (subject: string, size: string) =>
    settings.onProgress?.({ done, total, subject, size });

  for (const subject of subjects) {
    const info: BenchSubjectInfo = {
      subject: subject.id,
      kind: subject.kind,
      coldStartMs: null,
      fixedCostUs: null,
      memory: { peakRssMb: null, heapGrowthMb: null },
    };
    infos.push(info);
    let instance: Awaited<ReturnType<BenchSubject['init']>> | undefined;
    try {
      progress(subject.id, 'init');
      const loaded = await subject.load();
      if (loaded.version !== undefined) info.version = loaded.version;
      const unsupported = subject.unsupported?.(dtype);
      if (unsupported !== undefined) throw new Error(unsupported);
      collectGarbage();
      const retainedBefore = retainedMb();
      let peakRss = rssMb();

      const coldStart = performance.now();
      instance = await subject.init(dtype);
      await instance.activate?.();
      const tiny = instance.prepare(tinyInput, tinyOutput, 1, 1);
      await callOnce(tiny);
      info.coldStartMs = performance.now() - coldStart;
      const tinySamples = await measureCall(tiny, settings);
      info.fixedCostUs = quantile(tinySamples, 0.5) / 1000;
      done++;

      for (const [index, size] of sizes.entries()) {
        progress(subject.id, size.label);
        try {
          await instance.activate?.();
          const call = instance.prepare(
            inputs[index] as FloatArray,
            outputs[index] as FloatArray,
            size.rows,
            size.cols,
          );
          const samples = await measureCall(call, settings);
          const elements = size.rows * size.cols;
          const median = quantile(samples, 0.5);
          results.push({
            subject: subject.id,
            kind: subject.kind,
            size: size.label,
            rows: size.rows,
            cols: size.cols,
            dtype,
            nsPerElement: {
              median: median / elements,
              p10: quantile(samples, 0.1) / elements,
              p90: quantile(samples, 0.9) / elements,
            },
            usPerCall: median / 1000,
            samples: samples.length,
            ratioToFastest: Number.NaN,
            ratioToCopy: Number.NaN,
          });
        } catch (error) {
          results.push(skippedResult(subject, size, dtype, messageOf(error)));
        }
        peakRss = Math.max(peakRss, rssMb());
        done++;
      }
      collectGarbage();
      info.memory = { peakRssMb: peakRss, heapGrowthMb: retainedMb() - retainedBefore };
    } catch (error) {
      info.unavailable = messageOf(error);
      for (const size of sizes) {
        if (!results.some((r) => r.subject === subject.id && r.size === size.label)) {
          results.push(skippedResult(subject, size, dtype, info.unavailable));
        }
      }
      done = subjects.indexOf(subject) * (sizes.length + 1) + sizes.length + 1;
    } finally {
      await instance?.dispose().catch(() => {});
    }
  }
  settings.onProgress?.({ done: total, total, subject: '', size: '' });

  for (const size of sizes) {
    const atSize = results.filter((r) => r.size === size.label && r.skipped === undefined);
    const candidates = atSize.filter((r) => r.kind !== 'baseline');
    const fastest = Math.min(...candidates.map((r) => r.nsPerElement.median));
    const copy = atSize.find((r) => r.subject === 'baseline:copy')?.nsPerElement.median;
    for (const result of atSize) {
      result.ratioToFastest = result.nsPerElement.median / fastest;
      result.ratioToCopy = copy === undefined ? Number.NaN : result.nsPerElement.median / copy;
    }
  }

  const tinybench = (await packageVersion('tinybench')) ?? 'unknown';
  return {
    reportVersion: 1,
    startedAt,
    durationMs: Date.now() - started,
    harness: `tinybench ${tinybench}, time ${settings.timeMs} ms, warmup ${settings.warmupMs} ms, at least ${settings.minSamples} samples of ~${settings.sampleMs} ms batches, hrtime`,
    quick: settings.quick,
    op,
    environment: await benchEnvironment(),
    subjects: infos,
    results,
    // The goals are softmax's (issues 10 and 19 state them for softmax).
    goals: op === 'softmax' ? evaluateGoals(results) : [],
  };
}
