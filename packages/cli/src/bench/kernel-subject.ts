import type { Backend, BackendCapabilities, FloatArray, KernelRequest } from '@softmax-kit/core';
import { loadBackendSource } from '../load-backend.js';
import { type BenchOp, DEFAULT_OP } from './ops.js';
import type { BenchSubject } from './subject.js';

/** The id of a backend's kernel-alone subject, e.g. `kernel:ts`. */
export function kernelSubjectId(spec: string): string {
  return `kernel:${spec}`;
}

/** Each row's max, computed once outside the timed call (the classic contract's guarantee). */
function rowMaxima(input: FloatArray, rows: number, cols: number): Float64Array {
  const rowMax = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = r * cols; c < (r + 1) * cols; c++) max = Math.max(max, input[c] as number);
    rowMax[r] = max;
  }
  return rowMax;
}

/**
 * A backend's kernel alone: `doComputeSync` (or `doCompute`) on a request built once, without
 * core. A kernel that scans its own rows (`scansRows`) scans in the timed call, as it does behind
 * the public API; for others the row maxima are precomputed. The public API's time minus this
 * one is core's own cost per element (reported with the goals); kind `baseline`, so it is never
 * "the fastest".
 *
 * @example
 * ```ts
 * const subject = kernelSubject('ts', 'logSoftmax'); // id 'kernel:ts'
 * ```
 */
export function kernelSubject(spec: string, op: BenchOp = DEFAULT_OP): BenchSubject {
  let backend: Backend | undefined;
  return {
    id: kernelSubjectId(spec),
    kind: 'baseline',
    async load() {
      const source = await loadBackendSource(spec);
      if ('unavailable' in source) throw new Error(source.unavailable);
      backend = source.backend;
      return source.version === undefined ? {} : { version: source.version };
    },
    async init() {
      const kernel = backend;
      if (kernel === undefined) throw new Error(`backend ${spec} was not loaded`);
      const capabilities: BackendCapabilities = await kernel.doInit();
      const sync = capabilities.sync && typeof kernel.doComputeSync === 'function';
      return {
        prepare(input, output, rows, cols) {
          const temperature = new Float64Array(rows).fill(1);
          const scans = capabilities.scansRows === true;
          const rowMax = scans ? new Float64Array(rows) : rowMaxima(input, rows, cols);
          const request: KernelRequest = {
            operation: op,
            input,
            output,
            rows,
            cols,
            temperature,
            rowMax,
            skip: null,
            scan: scans ? { rowMax, flags: new Uint8Array(rows), haltOnFlag: false } : null,
          };
          if (sync) return { sync: () => kernel.doComputeSync?.(request) };
          return { async: () => kernel.doCompute(request) };
        },
        dispose: () => kernel.doDispose(),
      };
    },
  };
}
