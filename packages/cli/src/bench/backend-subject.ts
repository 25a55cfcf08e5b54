import { DEFAULT_TIME_LIMITS, withTimeLimit } from '@softmax-kit/conformance/time-limits';
import type { Backend, Softmax, SyncSoftmax } from '@softmax-kit/core';
import { createSoftmax } from '@softmax-kit/core';
import { loadBackendSource } from '../load-backend.js';
import { activateTf, loadTf } from '../peers/tfjs.js';
import { type BenchOp, DEFAULT_OP, SYNC_METHODS } from './ops.js';
import type { BenchSubject } from './subject.js';

function isSync(sm: Softmax): sm is SyncSoftmax {
  return typeof (sm as Partial<SyncSoftmax>).softmaxSync === 'function';
}

/**
 * A softmax-kit backend measured through the public API: `createSoftmax(backend)`, then
 * `softmaxSync` (or `softmax` for asynchronous backends; `logSoftmaxSync`, `logSumExpSync` ...
 * for the other ops) with `shape` and a preallocated `out`.
 *
 * @example
 * ```ts
 * const subject = backendSubject('ts', 'logSumExp');
 * ```
 */
export function backendSubject(spec: string, op: BenchOp = DEFAULT_OP): BenchSubject {
  let backend: Backend | undefined;
  const tfjsDevice = /^tfjs-(cpu|wasm)$/.exec(spec)?.[1] as 'cpu' | 'wasm' | undefined;
  return {
    id: spec,
    kind: 'backend',
    async load() {
      // Same engine settings as the raw tf.softmax peers (production mode), set before the
      // backend first touches tfjs. Without tfjs next to the CLI the backend manages it alone.
      if (tfjsDevice !== undefined) await loadTf().catch(() => undefined);
      const source = await loadBackendSource(spec);
      if ('unavailable' in source) throw new Error(source.unavailable);
      backend = source.backend;
      return source.version === undefined ? {} : { version: source.version };
    },
    async init() {
      if (backend === undefined) throw new Error(`backend ${spec} was not loaded`);
      const created = backend;
      const sm = await withTimeLimit(
        () => createSoftmax(created),
        DEFAULT_TIME_LIMITS.initMs,
        `createSoftmax(${spec})`,
      );
      // one call within the case limit: a backend that never settles fails here, not in tinybench
      await withTimeLimit(
        () => sm[op](Float32Array.of(0, 1)),
        DEFAULT_TIME_LIMITS.caseMs,
        `${spec}: a first ${op} call`,
      );
      return {
        // tfjs keeps one engine per process; the raw tf.softmax peers switch it, so make this
        // backend's device current again before measuring it.
        ...(tfjsDevice === undefined ? {} : { activate: () => activateTf(tfjsDevice) }),
        prepare(input, output, rows, cols) {
          const options = { shape: [rows, cols], out: output };
          if (isSync(sm)) {
            const syncOp = sm[SYNC_METHODS[op]];
            return { sync: () => void syncOp(input, options) };
          }
          return {
            async: async () => {
              await sm[op](input, options);
            },
          };
        },
        dispose: () => sm.dispose(),
      };
    },
  };
}
