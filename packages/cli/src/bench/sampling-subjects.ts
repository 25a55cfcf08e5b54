/**
 * Bench subjects for sampling (issue 11): `@softmax-kit/sampling` on tsBackend with top-p 0.9
 * and with top-k 50, a naive sort-based top-p sampler, and transformers.js's own sampling path
 * (its `MultinomialSampler`: `topk`, then `softmax` of the k values, then a weighted pick; it
 * has top-k only, its top-p warper is not implemented in 4.3). Each samples one token from one
 * row; they run only at sizes of one row of at least 32k logits (the bench's `ts` subject at the
 * same size is softmax alone on the same backend).
 */
import type { FloatArray } from '@softmax-kit/core';
import { createSoftmax } from '@softmax-kit/core';
import { createSampler, type SampleOptions, type SyncSampler } from '@softmax-kit/sampling';
import { packageVersion } from '../environment.js';
import { loadBackendSource } from '../load-backend.js';
import type { BenchSubject } from './subject.js';

/** The sampling subjects' ids, in run order. */
export const SAMPLING_IDS = [
  'sampling:ts:top-p-0.9',
  'sampling:ts:top-k-50',
  'peer:naive-sort-sampler',
  'peer:transformers.js-top-k-50',
] as const;

/** The shortest row a sampling subject is measured on. */
export const SAMPLING_MIN_COLS = 32 * 1024;

function checkSize(rows: number, cols: number): void {
  // 1x1 is the harness's cold-start and fixed-cost probe: allowed.
  if (rows * cols === 1) return;
  if (rows !== 1 || cols < SAMPLING_MIN_COLS)
    throw new Error(`sampling is measured on one row of at least ${SAMPLING_MIN_COLS} logits`);
}

function tsSampler(id: string, options: SampleOptions): BenchSubject {
  return {
    id,
    kind: 'backend',
    async load() {
      const source = await loadBackendSource('ts');
      if ('unavailable' in source) throw new Error(source.unavailable);
      const version = await packageVersion('@softmax-kit/sampling');
      return version === undefined ? {} : { version };
    },
    async init() {
      const source = await loadBackendSource('ts');
      if ('unavailable' in source) throw new Error(source.unavailable);
      const sm = await createSoftmax(source.backend);
      const sampler = createSampler(sm) as SyncSampler;
      return {
        prepare(input, _output, rows, cols) {
          checkSize(rows, cols);
          let step = 0;
          // A new step each call, as a generation loop draws: the same work every time.
          return {
            sync: () => void sampler.sampleSync(input, { ...options, seed: 1, step: step++ }),
          };
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
 * The sampling subjects: ours on tsBackend (top-p 0.9, top-k 50) and the naive sort-based
 * sampler, plus transformers.js's sampling path with `peers`.
 *
 * @example
 * ```ts
 * await runBench([backendSubject('ts'), ...samplingSubjects({ peers: true })], settings);
 * ```
 */
export function samplingSubjects(options: { peers: boolean }): BenchSubject[] {
  return [
    tsSampler('sampling:ts:top-p-0.9', { topP: 0.9 }),
    tsSampler('sampling:ts:top-k-50', { topK: 50 }),
    naiveSortSampler(0.9),
    ...(options.peers ? [transformersTopK(50)] : []),
  ];
}
