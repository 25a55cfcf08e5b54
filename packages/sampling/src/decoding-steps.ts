/**
 * The decoding primitives (`verify`, `beamStep`, `score`) are written once, as generators that
 * yield each backend request (a log-softmax of rows, or a sampler call) and receive its result;
 * {@link runSync} answers them with the synchronous API, {@link runAsync} with the promises. So
 * a primitive is synchronous exactly where its backend is, with one body of code.
 *
 * @packageDocumentation
 */
import type { Softmax, SyncSoftmax } from '@softmax-kit/core';
import type { FloatArray as Floats } from '@softmax-kit/core/internal';
import type { SampleOptions, SampleResult, Sampler, SyncSampler } from './types.js';

/** A backend request of a primitive. */
export type DecodingRequest =
  | {
      readonly kind: 'logSoftmax';
      readonly input: Floats;
      readonly shape: readonly [number, number];
      readonly temperature: Float64Array | undefined;
      readonly out: Floats;
    }
  | { readonly kind: 'sample'; readonly input: Floats; readonly options: SampleOptions };

/** A primitive's body: yields requests, receives `Floats` (logSoftmax) or a `SampleResult`. */
export type DecodingSteps<R> = Generator<DecodingRequest, R, Floats | SampleResult>;

const logSoftmaxOptions = (request: DecodingRequest & { kind: 'logSoftmax' }) => ({
  shape: request.shape,
  out: request.out,
  ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
});

/** Runs a primitive on a synchronous instance. */
export function runSync<R>(steps: DecodingSteps<R>, sm: SyncSoftmax, sampler: SyncSampler): R {
  let next = steps.next();
  while (!next.done) {
    const request = next.value;
    let answer: Floats | SampleResult;
    try {
      answer =
        request.kind === 'logSoftmax'
          ? (sm.logSoftmaxSync(request.input, logSoftmaxOptions(request)) as Floats)
          : sampler.sampleSync(request.input, request.options);
    } catch (error) {
      next = steps.throw(error); // the body may say which of its rows failed
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/** Runs a primitive on any instance, awaiting each request. */
export async function runAsync<R>(
  steps: DecodingSteps<R>,
  sm: Softmax,
  sampler: Sampler,
): Promise<R> {
  let next = steps.next();
  while (!next.done) {
    const request = next.value;
    let answer: Floats | SampleResult;
    try {
      answer =
        request.kind === 'logSoftmax'
          ? ((await sm.logSoftmax(request.input, logSoftmaxOptions(request))) as Floats)
          : await sampler.sample(request.input, request.options);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/**
 * Output buffers a decoder reuses between calls (grown, never shrunk): a fresh row-sized
 * buffer per call costs more than the log-softmax it receives. A call that finds the scratch
 * busy (an overlapping asynchronous call) gets buffers of its own.
 */
export class DecodingScratch {
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);
  busy = false;

  /** A buffer of `length` entries of the dtype (its contents are not cleared). */
  floats(dtype: 'Float32Array' | 'Float64Array', length: number): Floats {
    if (dtype === 'Float32Array') {
      if (this.f32.length < length) this.f32 = new Float32Array(length);
      return this.f32.subarray(0, length);
    }
    if (this.f64.length < length) this.f64 = new Float64Array(length);
    return this.f64.subarray(0, length);
  }
}
