import type { Dtype } from '@softmax-kit/core';
import type { BenchSubject } from '../bench/subject.js';
import { packageVersion } from '../environment.js';
import { naiveSoftmax } from './naive-js.js';
import { onnxSoftmaxModel } from './onnx-softmax-model.js';
import { activateTf, loadTf } from './tfjs.js';

/** The peer ids `--peers` adds, in run order. */
export const PEER_IDS = [
  'peer:naive-js',
  'peer:onnxruntime-node',
  'peer:transformers.js',
  'peer:tfjs-cpu',
  'peer:tfjs-wasm',
] as const;

/**
 * `dst.set(src)`: the floor any softmax over the same buffers must stay above.
 *
 * @example
 * ```ts
 * await runBench([copyBaseline(), backendSubject('ts')], settings);
 * ```
 */
export function copyBaseline(): BenchSubject {
  return {
    id: 'baseline:copy',
    kind: 'baseline',
    load: async () => ({}),
    async init() {
      return {
        prepare: (input, output) => ({ sync: () => output.set(input) }),
        dispose: async () => {},
      };
    },
  };
}

function naiveJs(): BenchSubject {
  return {
    id: 'peer:naive-js',
    kind: 'peer',
    load: async () => ({}),
    async init() {
      return {
        prepare: (input, output, rows, cols) => ({
          sync: () => naiveSoftmax(input, output, rows, cols),
        }),
        dispose: async () => {},
      };
    },
  };
}

function onnxRuntime(): BenchSubject {
  type Ort = typeof import('onnxruntime-node');
  let ort: Ort | undefined;
  return {
    id: 'peer:onnxruntime-node',
    kind: 'peer',
    async load() {
      const specifier = 'onnxruntime-node';
      ort = (await import(specifier)) as Ort;
      const version = await packageVersion('onnxruntime-node');
      return version === undefined ? {} : { version };
    },
    async init(dtype: Dtype) {
      const runtime = ort as Ort;
      const session = await runtime.InferenceSession.create(onnxSoftmaxModel(dtype));
      return {
        // Tensor in, run, read the output data: what a caller of ONNX Runtime does per call.
        prepare: (input, _output, rows, cols) => ({
          async: async () => {
            const result = await session.run({ x: new runtime.Tensor(dtype, input, [rows, cols]) });
            const y = result.y;
            if (y === undefined) throw new Error('onnxruntime-node returned no output y');
            void y.data;
            y.dispose();
          },
        }),
        dispose: () => session.release(),
      };
    },
  };
}

function transformersJs(): BenchSubject {
  let softmax: ((values: ArrayLike<number>) => ArrayLike<number>) | undefined;
  return {
    id: 'peer:transformers.js',
    kind: 'peer',
    async load() {
      const specifier = '@huggingface/transformers';
      const module = (await import(specifier)) as { softmax: typeof softmax };
      softmax = module.softmax;
      const version = await packageVersion('@huggingface/transformers');
      return version === undefined ? {} : { version };
    },
    async init() {
      const rowSoftmax = softmax as NonNullable<typeof softmax>;
      return {
        // transformers.js's softmax takes one 1-D array: call it per row.
        prepare: (input, _output, rows, cols) => ({
          sync: () => {
            for (let row = 0; row < rows; row++) {
              rowSoftmax(input.subarray(row * cols, (row + 1) * cols));
            }
          },
        }),
        dispose: async () => {},
      };
    },
  };
}

function rawTfjs(device: 'cpu' | 'wasm'): BenchSubject {
  return {
    id: `peer:tfjs-${device}`,
    kind: 'peer',
    async load() {
      await loadTf();
      const version = await packageVersion('@tensorflow/tfjs-core');
      return version === undefined ? {} : { version };
    },
    unsupported: (dtype) =>
      dtype === 'float64' ? 'tfjs has no float64 tensors (it computes in float32)' : undefined,
    async init() {
      const tf = await loadTf();
      await activateTf(device);
      return {
        activate: () => activateTf(device),
        // Tensor in, tf.softmax, dataSync: the raw tfjs call the backend is compared with.
        prepare: (input, _output, rows, cols) => ({
          sync: () =>
            tf.tidy(() => {
              tf.softmax(tf.tensor2d(input as Float32Array, [rows, cols])).dataSync();
            }),
        }),
        dispose: async () => {},
      };
    },
  };
}

/**
 * The real peer libraries, each run in this process: a naive three-pass JS softmax,
 * onnxruntime-node's Softmax (a one-node model built in code), transformers.js's `softmax`
 * (per row), and raw `tf.softmax` on tfjs's cpu and wasm backends.
 *
 * @example
 * ```ts
 * const subjects = [copyBaseline(), ...peerSubjects()];
 * ```
 */
export function peerSubjects(): BenchSubject[] {
  return [naiveJs(), onnxRuntime(), transformersJs(), rawTfjs('cpu'), rawTfjs('wasm')];
}
