import { Bench, hrtimeNowTimestampProvider } from 'tinybench';
import { type BenchCall, callOnce } from './subject.js';

/** Timing settings of one subject at one size. */
export interface MeasureSettings {
  /** tinybench's time budget per task, ms (it also runs at least `minSamples` samples). */
  timeMs: number;
  /** Warm-up before sampling, ms (at least two calls). */
  warmupMs: number;
  minSamples: number;
  /** Each sample times a batch of calls lasting about this long, so timer overhead is small. */
  sampleMs: number;
}

/** Per-call nanoseconds of every sample, sorted ascending. */
export type CallSamples = number[];

/**
 * Measures one call with tinybench: warm-up, then samples of batches of calls (the batch size
 * chosen from the warm-up so one sample lasts about `sampleMs`). Returns the per-call time of
 * each sample in nanoseconds.
 *
 * @example
 * ```ts
 * const samples = await measureCall({ sync: () => dst.set(src) }, settings);
 * ```
 */
export async function measureCall(
  call: BenchCall,
  settings: MeasureSettings,
): Promise<CallSamples> {
  const warmupStart = performance.now();
  let calls = 0;
  do {
    await callOnce(call);
    calls++;
  } while (calls < 2 || performance.now() - warmupStart < settings.warmupMs);
  const perCallMs = (performance.now() - warmupStart) / calls;
  const batch = Math.max(1, Math.round(settings.sampleMs / Math.max(perCallMs, 1e-6)));

  const bench = new Bench({
    time: settings.timeMs,
    iterations: settings.minSamples,
    warmup: false,
    retainSamples: true,
    timestampProvider: hrtimeNowTimestampProvider,
  });
  if ('sync' in call) {
    const fn = call.sync;
    bench.add('call', () => {
      for (let i = 0; i < batch; i++) fn();
    });
  } else {
    const fn = call.async;
    bench.add('call', async () => {
      for (let i = 0; i < batch; i++) await fn();
    });
  }
  const [task] = await bench.run();
  const result = task?.result;
  if (result === undefined || result.state === 'errored') {
    throw result?.state === 'errored' ? result.error : new Error('tinybench returned no result');
  }
  if (result.state !== 'completed' && result.state !== 'aborted-with-statistics') {
    throw new Error(`tinybench task ended in state ${result.state}`);
  }
  const samples = result.latency.samples ?? [];
  return samples.map((ms) => (ms * 1e6) / batch).sort((a, b) => a - b);
}

/**
 * The q-quantile (0..1) of ascending samples, interpolating linearly between neighbours.
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] as number;
  const high = sorted[above] as number;
  return low + (high - low) * (position - below);
}
