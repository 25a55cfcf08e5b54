/**
 * The TensorFlow.js module as this package uses it. The public option `tf` is typed by the small
 * structural {@link TfjsModule} so that this package's types do not require
 * `@tensorflow/tfjs-core` to be installed; inside, the real types are used.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

/** The real `@tensorflow/tfjs-core` module type (also what `@tensorflow/tfjs` exports). */
export type Tf = typeof TfCore;

/** A TensorFlow.js tensor. */
export type TfTensor = TfCore.Tensor;

/**
 * What a TensorFlow.js module passed as `tf` must look like: `@tensorflow/tfjs`,
 * `@tensorflow/tfjs-core` or `@tensorflow/tfjs-node` all fit.
 */
export interface TfjsModule {
  setBackend(backendName: string): Promise<boolean>;
  getBackend(): string;
  memory(): { numTensors: number };
  readonly version_core: string;
}

/** Narrows a user-given module to the full type after checking the members the kernels call. */
export function asTf(module: TfjsModule): Tf {
  return module as unknown as Tf;
}
