import { DEFAULT_TIME_LIMITS, withTimeLimit } from '@softmax-kit/conformance/time-limits';
import type { Backend, FloatArray, SyncSoftmax } from '@softmax-kit/core';
import { createSoftmax } from '@softmax-kit/core';
import { loadBackendSource } from '../load-backend.js';
import { type BenchOp, DEFAULT_OP, resultLength, SYNC_METHODS } from './ops.js';
import type { BenchSubject } from './subject.js';

/** What a backend with zero-copy arrays offers (`wasmBackend()`'s `allocate`). */
interface ArrayHandle {
  readonly array: Float32Array;
  release(): void;
}
interface AllocatingBackend {
  allocate(length: number): ArrayHandle;
}

function allocates(backend: Backend): backend is Backend & AllocatingBackend {
  return typeof (backend as Partial<AllocatingBackend>).allocate === 'function';
}

/** The id of a backend's zero-copy subject, e.g. `wasm-zero-copy`. */
export function zeroCopySubjectId(spec: string): string {
  return `${spec}-zero-copy`;
}

/**
 * A backend that hands out arrays in its own memory (`backend.allocate`), measured through the
 * public API with those arrays as input and `out`: no copy in or out (issue 10's "with zero
 * copy" goals). The logits are copied into the backend's array once per size, outside the
 * timed calls. float32 only.
 *
 * @example
 * ```ts
 * const subject = zeroCopySubject('wasm', 'logSumExp'); // id 'wasm-zero-copy'
 * ```
 */
export function zeroCopySubject(spec: string, op: BenchOp = DEFAULT_OP): BenchSubject {
  let backend: (Backend & AllocatingBackend) | undefined;
  return {
    id: zeroCopySubjectId(spec),
    kind: 'backend',
    async load() {
      const source = await loadBackendSource(spec);
      if ('unavailable' in source) throw new Error(source.unavailable);
      if (!allocates(source.backend)) throw new Error(`backend ${spec} has no allocate()`);
      backend = source.backend;
      return source.version === undefined ? {} : { version: source.version };
    },
    unsupported: (dtype) => (dtype === 'float32' ? undefined : 'zero-copy arrays are float32 only'),
    async init() {
      const created = backend;
      if (created === undefined) throw new Error(`backend ${spec} was not loaded`);
      const sm = (await withTimeLimit(
        () => createSoftmax(created),
        DEFAULT_TIME_LIMITS.initMs,
        `createSoftmax(${spec})`,
      )) as SyncSoftmax;
      let held: ArrayHandle[] = [];
      return {
        prepare(input: FloatArray, _output: FloatArray, rows: number, cols: number) {
          // One size at a time: the previous size's arrays go back first.
          for (const handle of held) handle.release();
          const n = rows * cols;
          const source = created.allocate(n);
          const target = created.allocate(resultLength(op, rows, cols));
          held = [source, target];
          // Views read after both allocations (allocating may grow the memory).
          const x = source.array;
          const out = target.array;
          x.set(input);
          const options = { shape: [rows, cols], out };
          const syncOp = sm[SYNC_METHODS[op]];
          return { sync: () => void syncOp(x, options) };
        },
        async dispose() {
          for (const handle of held) handle.release();
          held = [];
          await sm.dispose();
        },
      };
    },
  };
}
