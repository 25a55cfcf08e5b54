import type { Dtype, FloatArray } from '@softmax-kit/core';
import { type BenchOp, DEFAULT_OP } from '../bench/ops.js';
import type { BenchSubject } from '../bench/subject.js';
import { packageVersion } from '../environment.js';
import { naiveLogSoftmax, naiveLogSumExp, naiveSoftmax } from './naive-js.js';
import { onnxOpModel } from './onnx-softmax-model.js';
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
        // Its own destination of the input's length: logSumExp's output has one value per row.
        prepare: (input) => {
          const copy =
            input instanceof Float32Array
              ? new Float32Array(input.length)
              : new Float64Array(input.length);
          return { sync: () => copy.set(input) };
        },
        dispose: async () => {},
      };
    },
  };
}

/** The naive JS function of each op (same arguments; logSumExp writes one value per row). */
const NAIVE: Record<
  BenchOp,
  (input: FloatArray, output: FloatArray, rows: number, cols: number) => void
> = { softmax: naiveSoftmax, logSoftmax: naiveLogSoftmax, logSumExp: naiveLogSumExp };

function naiveJs(op: BenchOp): BenchSubject {
  const naive = NAIVE[op];
  return {
    id: 'peer:naive-js',
    kind: 'peer',
    load: async () => ({}),
    async init() {
      return {
        prepare: (input, output, rows, cols) => ({
          sync: () => naive(input, output, rows, cols),
        }),
        dispose: async () => {},
      };
    },
  };
}

function onnxRuntime(op: BenchOp): BenchSubject {
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
      const session = await runtime.InferenceSession.create(onnxOpModel(op, dtype));
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

/** transformers.js's function of each op (`maths.js`); it has no log-sum-exp. */
const TRANSFORMERS_FUNCTIONS: Record<BenchOp, 'softmax' | 'log_softmax' | null> = {
  softmax: 'softmax',
  logSoftmax: 'log_softmax',
  logSumExp: null,
};

function transformersJs(op: BenchOp): BenchSubject {
  type RowFunction = (values: ArrayLike<number>) => ArrayLike<number>;
  let rowFunction: RowFunction | undefined;
  const name = TRANSFORMERS_FUNCTIONS[op];
  return {
    id: 'peer:transformers.js',
    kind: 'peer',
    async load() {
      const specifier = '@huggingface/transformers';
      const module = (await import(specifier)) as Record<string, RowFunction | undefined>;
      if (name !== null) rowFunction = module[name];
      const version = await packageVersion('@huggingface/transformers');
      return version === undefined ? {} : { version };
    },
    unsupported: () =>
      name === null
        ? `transformers.js has no ${op} (its maths utilities have softmax and log_softmax only)`
        : undefined,
    async init() {
      const rowSoftmax = rowFunction as RowFunction;
      if (typeof rowSoftmax !== 'function') throw new Error(`transformers.js exports no ${name}`);
      return {
        // transformers.js's softmax and log_softmax take one 1-D array: call it per row.
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

/** The raw tfjs call of each op over the last axis of a [rows, cols] tensor. */
type Tf = typeof import('@tensorflow/tfjs-core');
type TfTensor = import('@tensorflow/tfjs-core').Tensor;
type TfTensor2D = import('@tensorflow/tfjs-core').Tensor2D;
const TF_OPS: Record<BenchOp, (tf: Tf, x: TfTensor2D) => TfTensor> = {
  softmax: (tf, x) => tf.softmax(x),
  logSoftmax: (tf, x) => tf.logSoftmax(x),
  logSumExp: (tf, x) => tf.logSumExp(x, -1),
};

function rawTfjs(device: 'cpu' | 'wasm', op: BenchOp): BenchSubject {
  const tfOp = TF_OPS[op];
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
        // Tensor in, tf.softmax (tf.logSoftmax, tf.logSumExp), dataSync: the raw tfjs call the
        // backend is compared with.
        prepare: (input, _output, rows, cols) => ({
          sync: () =>
            tf.tidy(() => {
              tfOp(tf, tf.tensor2d(input as Float32Array, [rows, cols])).dataSync();
            }),
        }),
        dispose: async () => {},
      };
    },
  };
}

/**
 * The real peer libraries, each run in this process, for one op: naive JS (three passes,
 * `Math.exp`), onnxruntime-node's Softmax / LogSoftmax / ReduceLogSumExp (a one-node model built
 * in code), transformers.js's `softmax` / `log_softmax` (per row; it has no log-sum-exp, so that
 * subject is reported as skipped with the reason), and raw `tf.softmax` / `tf.logSoftmax` /
 * `tf.logSumExp` on tfjs's cpu and wasm backends.
 *
 * @example
 * ```ts
 * const subjects = [copyBaseline(), ...peerSubjects('logSoftmax')];
 * ```
 */
export function peerSubjects(op: BenchOp = DEFAULT_OP): BenchSubject[] {
  return [
    naiveJs(op),
    onnxRuntime(op),
    transformersJs(op),
    rawTfjs('cpu', op),
    rawTfjs('wasm', op),
  ];
}
