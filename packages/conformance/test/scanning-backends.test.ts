import type { Backend, KernelRequest } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../src/index.js';
import { kernel } from './reference-backends.js';

/**
 * A backend that scans its own rows (`scansRows`), four lanes at a time with a scalar tail, as
 * an unrolled kernel does; `blindLane` makes it miss a NaN or +Infinity in that lane of each
 * group of four (a classic unrolling bug). The rows themselves are computed by the reference
 * kernel with the max it found.
 */
function scanningBackend(name: string, blindLane: number | null): Backend {
  const scanThenCompute = (request: KernelRequest): void => {
    const { input, rows, cols, scan } = request;
    if (scan === null) {
      kernel(request);
      return;
    }
    let flagged = 0;
    for (let r = 0; r < rows; r++) {
      let max = Number.NEGATIVE_INFINITY;
      let irregular = false;
      const start = r * cols;
      const unrolledEnd = start + cols - (cols % 4);
      for (let i = start; i < start + cols; i++) {
        const v = input[i] as number;
        const lane = (i - start) % 4;
        const blind = i < unrolledEnd && lane === blindLane;
        if (!blind && (Number.isNaN(v) || v === Number.POSITIVE_INFINITY)) irregular = true;
        if (v > max && !(blind && v === Number.POSITIVE_INFINITY)) max = v;
      }
      if (max === Number.NEGATIVE_INFINITY) irregular = true;
      scan.rowMax[r] = max;
      scan.flags[r] = irregular ? 1 : 0;
      if (irregular) flagged++;
    }
    if (flagged > 0 && scan.haltOnFlag) return;
    const skip = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      skip[r] = scan.flags[r] === 1 || request.skip?.[r] === 1 ? 1 : 0;
    }
    kernel({ ...request, skip, scan: null });
  };
  return {
    specificationVersion: 'v1',
    name,
    async doInit() {
      return {
        dtypes: ['float32', 'float64'],
        computePrecision: { float32: 'float64', float64: 'float64' },
        sync: true,
        device: 'js',
        scansRows: true,
      };
    },
    doComputeSync: scanThenCompute,
    async doCompute(request) {
      scanThenCompute(request);
    },
    async doDispose() {},
  };
}

const onlyStability = {
  sizes: [1, 3, 100],
  filter: (c: { group: string }) => c.group === 'stability',
};

describe('kernels that scan their own rows', () => {
  it('a correct scanning kernel passes the stability group, every-lane cases included', async () => {
    const report = await runConformance(scanningBackend('scanning', null), onlyStability);
    expect(report.cases.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    expect(report.cases.map((c) => c.id)).toContain('stability.every-lane.float32');
  });

  it('a kernel blind to the last lane of its unrolled loop fails the every-lane cases', async () => {
    const report = await runConformance(scanningBackend('blind-lane-3', 3), onlyStability);
    const failed = report.cases.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toEqual(
      expect.arrayContaining(['stability.every-lane.float32', 'stability.every-lane.float64']),
    );
    const reason = report.cases.find((c) => c.id === 'stability.every-lane.float32')?.reason ?? '';
    expect(reason).toMatch(/position 3/);
  });
});
