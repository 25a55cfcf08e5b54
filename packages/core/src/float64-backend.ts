import type { KernelRequest, SyncBackend } from './backend.js';

/**
 * A plain float64 backend for tests (the sampler's and others'), written from the formulas of core's
 * `KernelRequest` docs (Math.exp, Math.log1p of the sum without the max's term). The sampler is
 * tested on every real backend by the conformance suite's `sampling` group; depending on
 * backend-ts here would make a build cycle (backend-ts tests with conformance, which uses this
 * package).
 */
function compute(request: KernelRequest): void {
  const { input, output, rows, cols, temperature, rowMax, skip, operation } = request;
  for (let r = 0; r < rows; r++) {
    if (skip?.[r] === 1) continue;
    const m = rowMax[r] as number;
    const t = operation === 'logSumExp' ? 1 : (temperature[r] as number);
    const base = r * cols;
    let first = -1;
    let rest = 0;
    for (let c = 0; c < cols; c++) {
      const x = input[base + c] as number;
      if (first < 0 && x === m) first = c;
      else rest += Math.exp((x - m) / t);
    }
    const logSum = Math.log1p(rest);
    if (operation === 'logSumExp') {
      output[r] = m + logSum;
      continue;
    }
    for (let c = 0; c < cols; c++) {
      const z = ((input[base + c] as number) - m) / t;
      output[base + c] = operation === 'softmax' ? Math.exp(z) / (1 + rest) : z - logSum;
    }
  }
}

/** A synchronous float64 backend (float32 input is converted by core). */
export function float64Backend(): SyncBackend {
  return {
    specificationVersion: 'v1',
    name: 'sampling-test-float64',
    async doInit() {
      return {
        dtypes: ['float64'],
        computePrecision: { float32: 'float64', float64: 'float64' },
        sync: true,
        device: 'js',
      };
    },
    doComputeSync: compute,
    async doCompute(request) {
      compute(request);
    },
    async doDispose() {},
  };
}
