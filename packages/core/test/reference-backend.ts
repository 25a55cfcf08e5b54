import type { Backend, BackendCapabilities, KernelRequest, SyncBackend } from '../src/index.js';

/**
 * Test-only backends for core's unit tests: a straightforward float64 kernel written from the
 * formulas in KernelRequest's docs (Math.exp, Math.log), so core's own logic (parsing, axes,
 * special rows, conversion) is what the tests exercise.
 */
function computeRows(request: KernelRequest): void {
  const { input, output, rows, cols, temperature, rowMax, skip, operation } = request;
  for (let r = 0; r < rows; r++) {
    if (skip !== null && skip[r] !== 0) continue;
    const m = rowMax[r] as number;
    const t = temperature[r] as number;
    const base = r * cols;
    if (operation === 'logSumExp') {
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += Math.exp((input[base + c] as number) - m);
      output[r] = m + Math.log(sum);
      continue;
    }
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(((input[base + c] as number) - m) / t);
    const logSum = Math.log(sum);
    for (let c = 0; c < cols; c++) {
      const z = ((input[base + c] as number) - m) / t;
      output[base + c] = operation === 'softmax' ? Math.exp(z) / sum : z - logSum;
    }
  }
}

export interface CountingBackend extends SyncBackend {
  calls: KernelRequest[];
  disposed: number;
}

/** A synchronous float32 + float64 backend that records its calls. */
export function referenceBackend(): CountingBackend {
  const backend: CountingBackend = {
    specificationVersion: 'v1',
    name: 'reference',
    calls: [],
    disposed: 0,
    async doInit(): Promise<BackendCapabilities> {
      return {
        dtypes: ['float32', 'float64'],
        computePrecision: { float32: 'float64', float64: 'float64' },
        sync: true,
        device: 'js',
      };
    },
    doComputeSync(request) {
      backend.calls.push({ ...request });
      computeRows(request);
    },
    async doCompute(request) {
      backend.doComputeSync(request);
    },
    async doDispose() {
      backend.disposed++;
    },
  };
  return backend;
}

/** An async-only backend that accepts float32 only, as tfjs does: exercises core's conversion. */
export function float32OnlyBackend(): Backend & { calls: KernelRequest[] } {
  const calls: KernelRequest[] = [];
  return {
    specificationVersion: 'v1',
    name: 'float32-only',
    calls,
    async doInit() {
      return {
        dtypes: ['float32'],
        computePrecision: { float32: 'float32', float64: 'float32' },
        sync: false,
        device: 'js',
      };
    },
    async doCompute(request) {
      calls.push({ ...request });
      await Promise.resolve();
      computeRows(request);
    },
    async doDispose() {},
  };
}

/**
 * A backend that scans its own rows (`scansRows`), written from the {@link RowScan} contract:
 * first every row's max and flag, then (unless it must halt) the unflagged, unskipped rows.
 * `lie: 'flag-regular'` flags row 0 even when it is regular, to test core's check.
 */
export function scanningBackend(
  options: { sync?: boolean; lie?: 'flag-regular' } = {},
): Backend & { calls: KernelRequest[]; halts: number } {
  const calls: KernelRequest[] = [];
  const compute = (request: KernelRequest): void => {
    calls.push({ ...request });
    const { input, rows, cols, scan } = request;
    if (scan === null) {
      computeRows(request);
      return;
    }
    let flagged = 0;
    for (let r = 0; r < rows; r++) {
      let max = Number.NEGATIVE_INFINITY;
      let irregular = false;
      for (let c = r * cols; c < (r + 1) * cols; c++) {
        const v = input[c] as number;
        if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) irregular = true;
        if (v > max) max = v;
      }
      if (max === Number.NEGATIVE_INFINITY) irregular = true;
      if (options.lie === 'flag-regular' && r === 0) irregular = true;
      scan.rowMax[r] = max;
      scan.flags[r] = irregular ? 1 : 0;
      if (irregular) flagged++;
    }
    if (flagged > 0 && scan.haltOnFlag) {
      backend.halts++;
      return;
    }
    const skip = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      skip[r] = scan.flags[r] === 1 || (request.skip !== null && request.skip[r] === 1) ? 1 : 0;
    }
    computeRows({ ...request, skip });
  };
  const backend = {
    specificationVersion: 'v1' as const,
    name: 'scanning',
    calls,
    halts: 0,
    async doInit(): Promise<BackendCapabilities> {
      return {
        dtypes: ['float32', 'float64'],
        computePrecision: { float32: 'float64', float64: 'float64' },
        sync: options.sync ?? true,
        device: 'js',
        scansRows: true,
      };
    },
    ...(options.sync === false ? {} : { doComputeSync: compute }),
    async doCompute(request: KernelRequest) {
      await Promise.resolve();
      compute(request);
    },
    async doDispose() {},
  };
  return backend;
}
