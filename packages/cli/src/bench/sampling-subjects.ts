/**
 * Bench subjects for sampling (issues 11 and 14): `@softmax-kit/sampling` on tsBackend and
 * wasmBackend for each kind of request ({@link SAMPLING_REQUESTS}: greedy, top-k 50, top-p 0.9,
 * min-p 0.05, and top-p with each extra output), top-p on a batch with wasm threads, a naive
 * sort-based top-p sampler, and transformers.js's own sampling path (its `MultinomialSampler`:
 * `topk`, then `softmax` of the k values, then a weighted pick; it has top-k only, its top-p
 * warper is not implemented in 4.3). Each samples one token per row; they run on one row of at
 * least 32k logits (the bench's `ts` and `wasm` subjects at the same size are the softmax of the
 * same row on the same backend), and the threads subjects on batches of 64 rows.
 */
import type { FloatArray } from '@softmax-kit/core';
import { createSoftmax } from '@softmax-kit/core';
import {
  createSampler,
  type SampleOptions,
  type Sampler,
  type SyncSampler,
} from '@softmax-kit/sampling';
import { packageVersion } from '../environment.js';
import { loadBackendSource } from '../load-backend.js';
import type { BenchSubject } from './subject.js';

/** The requests measured on each backend: a label and the sampler's options. */
export const SAMPLING_REQUESTS: readonly (readonly [string, SampleOptions])[] = [
  ['greedy', { temperature: 0 }],
  ['top-k-50', { topK: 50 }],
  ['top-p-0.9', { topP: 0.9 }],
  ['min-p-0.05', { minP: 0.05 }],
  ['top-p-0.9+raw-logprobs', { topP: 0.9, rawLogprobs: true }],
  ['top-p-0.9+top-n-5', { topP: 0.9, topN: 5 }],
  ['top-p-0.9+entropy', { topP: 0.9, entropy: true }],
];

/** The backends the sampler is measured on (each also has its softmax subject of that id). */
export const SAMPLING_BACKENDS = ['ts', 'wasm'] as const;

/** Batched top-p on wasm with one and with two threads (the threads goal). */
export const SAMPLING_BATCH_IDS = [
  'sampling-batch:wasm:top-p-0.9',
  'sampling-batch:wasm-threads:top-p-0.9',
] as const;

/** The sampling subjects' ids, in run order. */
export const SAMPLING_IDS = [
  ...SAMPLING_BACKENDS.flatMap((backend) =>
    SAMPLING_REQUESTS.map(([label]) => `sampling:${backend}:${label}`),
  ),
  ...SAMPLING_BATCH_IDS,
  'peer:naive-sort-sampler',
  'peer:transformers.js-top-k-50',
];

/** Rows of the batch the threads subjects sample. */
export const SAMPLING_BATCH_ROWS = 64;

/** The shortest row a sampling subject is measured on. */
export const SAMPLING_MIN_COLS = 32 * 1024;

function checkSize(rows: number, cols: number, batch = false): void {
  // 1x1 is the harness's cold-start and fixed-cost probe: allowed.
  if (rows * cols === 1) return;
  if (rows !== (batch ? SAMPLING_BATCH_ROWS : 1) || cols < SAMPLING_MIN_COLS)
    throw new Error(
      `sampling is measured on ${batch ? SAMPLING_BATCH_ROWS : 'one'} row(s) of at least ${SAMPLING_MIN_COLS} logits`,
    );
}

/** `@softmax-kit/sampling` on a built-in backend: one draw per row per call. */
function samplerSubject(
  id: string,
  backend: string,
  options: SampleOptions,
  batch = false,
): BenchSubject {
  return {
    id,
    kind: 'backend',
    async load() {
      const source = await loadBackendSource(backend);
      if ('unavailable' in source) throw new Error(source.unavailable);
      const version = await packageVersion('@softmax-kit/sampling');
      return version === undefined ? {} : { version };
    },
    async init() {
      const source = await loadBackendSource(backend);
      if ('unavailable' in source) throw new Error(source.unavailable);
      const sm = await createSoftmax(source.backend);
      const sampler = createSampler(sm) as Sampler & Partial<SyncSampler>;
      return {
        prepare(input, _output, rows, cols) {
          checkSize(rows, cols, batch);
          let step = 0;
          // A new step each call, as a generation loop draws: the same work every time.
          const call = (): SampleOptions => ({
            ...options,
            shape: [rows, cols],
            seed: 1,
            step: step++,
          });
          const sync = sampler.sampleSync;
          return sync === undefined
            ? { async: async () => void (await sampler.sample(input, call())) }
            : { sync: () => void sync(input, call()) };
        },
        dispose: () => sm.dispose(),
      };
    },
  };
}

/**
 * The textbook top-p sampler: softmax, a full sort of the indices by probability, the shortest
 * prefix with mass >= topP, a draw over it. Buffers are allocated once per size.
 */
function naiveSortSampler(topP: number): BenchSubject {
  return {
    id: 'peer:naive-sort-sampler',
    kind: 'peer',
    load: async () => ({}),
    async init() {
      return {
        prepare(input: FloatArray, _output: FloatArray, rows: number, cols: number) {
          checkSize(rows, cols);
          const p = new Float64Array(cols);
          const order = new Uint32Array(cols);
          return {
            sync: () => {
              let max = Number.NEGATIVE_INFINITY;
              for (let i = 0; i < cols; i++) if (input[i]! > max) max = input[i]!;
              let sum = 0;
              for (let i = 0; i < cols; i++) {
                p[i] = Math.exp(input[i]! - max);
                sum += p[i]!;
              }
              for (let i = 0; i < cols; i++) {
                p[i] = p[i]! / sum;
                order[i] = i;
              }
              order.sort((a, b) => p[b]! - p[a]! || a - b);
              let kept = 0;
              let mass = 0;
              while (kept < cols && mass < topP) mass += p[order[kept++]!]!;
              let target = Math.random() * mass;
              for (let k = 0; k < kept; k++) {
                target -= p[order[k]!]!;
                if (target < 0) break;
              }
            },
          };
        },
        dispose: async () => {},
      };
    },
  };
}

interface TransformersModule {
  Tensor: new (type: string, data: FloatArray, dims: number[]) => unknown;
  topk(tensor: unknown, k: number): Promise<[{ data: Float32Array }, { data: BigInt64Array }]>;
  softmax(values: ArrayLike<number>): ArrayLike<number>;
}

/** transformers.js 4.3's MultinomialSampler path with top_k = 50, from its exported pieces. */
function transformersTopK(k: number): BenchSubject {
  let module: TransformersModule | undefined;
  return {
    id: 'peer:transformers.js-top-k-50',
    kind: 'peer',
    unsupported: (dtype) =>
      dtype === 'float32' ? undefined : 'transformers.js logits are float32',
    async load() {
      const specifier = '@huggingface/transformers';
      module = (await import(specifier)) as TransformersModule;
      const version = await packageVersion('@huggingface/transformers');
      return version === undefined ? {} : { version };
    },
    async init() {
      const library = module as TransformersModule;
      return {
        prepare(input: FloatArray, _output: FloatArray, rows: number, cols: number) {
          checkSize(rows, cols);
          const tensor = new library.Tensor('float32', input, [1, cols]);
          return {
            async: async () => {
              const [values, indices] = await library.topk(tensor, k);
              const probabilities = library.softmax(values.data);
              let target = Math.random();
              let pick = probabilities.length - 1;
              for (let i = 0; i < probabilities.length; i++) {
                target -= probabilities[i]!;
                if (target < 0) {
                  pick = i;
                  break;
                }
              }
              void indices.data[pick];
            },
          };
        },
        dispose: async () => {},
      };
    },
  };
}

/**
 * The sampling subjects: ours on tsBackend and wasmBackend for every request of
 * {@link SAMPLING_REQUESTS}, batched top-p with and without wasm threads, and the naive
 * sort-based sampler, plus transformers.js's sampling path with `peers`.
 *
 * @example
 * ```ts
 * await runBench([backendSubject('ts'), ...samplingSubjects({ peers: true })], settings);
 * ```
 */
export function samplingSubjects(options: { peers: boolean }): BenchSubject[] {
  return [
    ...SAMPLING_BACKENDS.flatMap((backend) =>
      SAMPLING_REQUESTS.map(([label, request]) =>
        samplerSubject(`sampling:${backend}:${label}`, backend, request),
      ),
    ),
    samplerSubject(SAMPLING_BATCH_IDS[0], 'wasm', { topP: 0.9 }, true),
    samplerSubject(SAMPLING_BATCH_IDS[1], 'wasm-threads', { topP: 0.9 }, true),
    naiveSortSampler(0.9),
    ...(options.peers ? [transformersTopK(50)] : []),
  ];
}
