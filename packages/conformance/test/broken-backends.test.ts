import { SoftmaxError } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { type ConformanceReport, runConformance } from '../src/index.js';
import { type KernelOptions, makeBackend, referenceBackend } from './reference-backends.js';

// Small sizes keep this file fast on two cores; real runs use sizes up to 10^6. The real-size
// cases (accuracy.batch.*, accuracy.split.*) have their own broken backends in
// real-size-backends.test.ts; here they run once, for the correct kernel.
const SIZES = [1, 3, 100, 3000];
const notRealSize = (c: { id: string }) =>
  !c.id.startsWith('accuracy.batch.') && !c.id.startsWith('accuracy.split.');

async function run(name: string, options: KernelOptions): Promise<ConformanceReport> {
  return runConformance(makeBackend(name, options), { sizes: SIZES, filter: notRealSize });
}

const failedIds = (report: ConformanceReport) =>
  report.cases.filter((c) => c.status === 'fail').map((c) => c.id);

const groupFailures = (report: ConformanceReport, group: string) =>
  report.cases.filter((c) => c.group === group && c.status === 'fail').map((c) => c.id);

describe('correct backends pass', () => {
  it('a correct float64 kernel with a compensated sum passes every case (heap skipped without --expose-gc)', async () => {
    const report = await runConformance(referenceBackend(), { sizes: SIZES, profile: 'fast' });
    expect(failedIds(report)).toEqual([]);
    expect(report.status).toBe('pass');
    const skipped = report.cases.filter((c) => c.status === 'skip').map((c) => c.id);
    // the split cases skip a backend that declares no split thresholds, saying so
    expect(skipped.every((id) => id === 'resources.heap' || id.startsWith('accuracy.split.'))).toBe(
      true,
    );
    // the report carries measured errors next to their bounds
    const accuracy = report.cases.find((c) => c.id === 'accuracy.softmax.float64.n=3000');
    expect(accuracy?.error).toBeGreaterThan(0);
    expect(accuracy?.error).toBeLessThanOrEqual(accuracy?.bound ?? 0);
  });

  it('a correct float32 kernel with a naive float32 sum passes every case against float32 bounds', async () => {
    const report = await run('float32', { float32: true, sum: 'float32' });
    expect(failedIds(report)).toEqual([]);
  });

  it('the float32 sum bound (gamma_{n-1}, the worst case) also holds at n = 300,000', async () => {
    const report = await runConformance(makeBackend('float32', { float32: true, sum: 'float32' }), {
      sizes: [300_000],
      filter: (c) => c.id.startsWith('accuracy.') && c.id.endsWith('n=300000'),
    });
    expect(report.cases).toHaveLength(8);
    expect(failedIds(report)).toEqual([]);
  });
});

describe('broken backends fail the right cases', () => {
  it('a kernel that writes NaN into the all-masked rows core flagged in skip is harmless: core writes those rows', async () => {
    const report = await run('ignores-skip', { ignoreSkip: true });
    expect(failedIds(report)).toEqual([]);
  });

  it('no max subtraction: exp(1e4) overflows, so the +-1e4, +-1e30 and largest-value cases fail', async () => {
    const report = await run('no-max', { subtractMax: false });
    expect(failedIds(report)).toEqual(
      expect.arrayContaining([
        'stability.1e4.float32',
        'stability.1e4.float64',
        'stability.1e30.float32',
        'stability.1e30.float64',
        'stability.largest-finite.float32',
        'stability.largest-finite.float64',
      ]),
    );
    // the worked examples have small logits, where skipping the max is harmless
    expect(groupFailures(report, 'examples')).toEqual([]);
    expect(groupFailures(report, 'errors')).toEqual([]);
    expect(report.status).toBe('fail');
  });

  it('a float32 running sum in a kernel that declares float64 fails accuracy at every n >= 3', async () => {
    const report = await run('float32-sum', { sum: 'float32' });
    for (const dtype of ['float32', 'float64']) {
      for (const n of [100, 3000]) {
        expect(failedIds(report)).toEqual(
          expect.arrayContaining([
            `accuracy.softmax.${dtype}.n=${n}`,
            `accuracy.rowSum.${dtype}.n=${n}`,
          ]),
        );
      }
    }
    expect(failedIds(report)).not.toContain('accuracy.softmax.float64.n=1');
    expect(groupFailures(report, 'errors')).toEqual([]);
  });

  it('NaN in the second row of every batch fails the batch-invariance and batched accuracy cases', async () => {
    const report = await run('nan-row', { nanRows: (row) => row === 1 });
    expect(failedIds(report)).toEqual(
      expect.arrayContaining([
        'invariance.batch.float32',
        'invariance.batch.float64',
        'accuracy.softmax.float64.n=100',
        'accuracy.rowSum.float32.n=100',
      ]),
    );
    // single-row cases are unaffected
    expect(failedIds(report)).not.toContain('accuracy.softmax.float64.n=3000');
  });

  it('NaN on rows with masked (-Infinity) entries fails exactly the masking cases', async () => {
    const report = await run('nan-on-masked', { nanOnMasked: true });
    const failed = failedIds(report);
    expect(failed).toEqual(
      expect.arrayContaining(['stability.masking.float32', 'stability.masking.float64']),
    );
    // (the sampling cases mask logits too)
    for (const id of failed) expect(id).toMatch(/^(stability\.(masking|property)|sampling)\./);
  });

  it('dividing by T before subtracting the max gives NaN at tiny T and loses exact shifts', async () => {
    const report = await run('wrong-order', { temperatureOrder: 'after' });
    expect(failedIds(report)).toEqual(
      expect.arrayContaining([
        'temperature.tiny.float32',
        'temperature.tiny.float64',
        'invariance.shift.float64',
      ]),
    );
    const tiny = report.cases.find((c) => c.id === 'temperature.tiny.float64');
    expect(tiny?.reason).toMatch(/NaN/);
  });

  it("using the first row's max for every row fails batch invariance", async () => {
    const report = await run('first-row-max', { firstRowMax: true });
    expect(failedIds(report)).toEqual(
      expect.arrayContaining(['invariance.batch.float32', 'invariance.batch.float64']),
    );
  });

  it('a backend that keeps one live resource per call fails the resources check', async () => {
    const backend = makeBackend('leaky');
    let leaked = 0;
    const compute = backend.doComputeSync?.bind(backend);
    backend.doComputeSync = (request) => {
      leaked++;
      compute?.(request);
    };
    backend.doResourceCount = () => leaked;
    const report = await runConformance(backend, {
      sizes: [1],
      filter: (c) => c.group === 'resources',
    });
    const check = report.cases.find((c) => c.id === 'resources.backend-count');
    expect(check?.status).toBe('fail');
    expect(check?.error).toBeGreaterThan(0);
  });
});

describe('logarithms judged relative to the size of their terms', () => {
  it('log(sum) instead of log1p(s) (logSumExp([0, -40]) = 0, not 4.248e-18) fails the small-term cases', async () => {
    const report = await runConformance(makeBackend('naive-log', { naiveLog: true }), {
      sizes: [1, 100],
      filter: (c) => (c.group === 'accuracy' || c.group === 'consistency') && notRealSize(c),
    });
    const failed = failedIds(report);
    expect(failed).toEqual(
      expect.arrayContaining([
        'accuracy.log-small-terms.float32',
        'accuracy.log-small-terms.float64',
      ]),
    );
    const small = report.cases.find((c) => c.id === 'accuracy.log-small-terms.float64');
    expect(small?.reason).toMatch(/logSumExp\(\[0, -40\]\) logSumExp 0 vs reference 4\.248354e-18/);
    // softmax itself is unaffected
    expect(failed.filter((id) => id.startsWith('accuracy.softmax.'))).toEqual([]);
  });

  it("the reference gives SciPy's values for the SPEC example", async () => {
    const { referenceRow } = await import('../src/index.js');
    const ref = referenceRow([0, -40], 1);
    // scipy.special.logsumexp([0, -40]) = 4.248354255291589e-18
    expect(Math.abs(ref.lseHi - 4.248354255291589e-18)).toBeLessThanOrEqual(
      4.248354255291589e-18 * 2 ** -50,
    );
    expect(Math.abs((ref.logpHi[0] as number) + 4.248354255291589e-18)).toBeLessThanOrEqual(
      4.248354255291589e-18 * 2 ** -50,
    );
  });
});

describe('broken buffer handling fails the buffers group', () => {
  const buffers = (c: { group: string }) => c.group === 'buffers';

  it('a kernel that ignores byteOffset (reads input.buffer and writes output.buffer from byte 0) fails the view cases', async () => {
    const report = await runConformance(
      makeBackend('ignores-byte-offset', { ignoreByteOffset: true }),
      {
        sizes: [1],
        filter: buffers,
      },
    );
    expect(failedIds(report)).toEqual(
      expect.arrayContaining(
        ['float32', 'float64'].flatMap((dtype) => [
          `buffers.input-view.${dtype}`,
          `buffers.out-view.${dtype}`,
          `buffers.in-place-view.${dtype}`,
          `buffers.overlap.${dtype}`,
        ]),
      ),
    );
    const out = report.cases.find((c) => c.id === 'buffers.out-view.float64');
    expect(out?.reason).toMatch(/byte\(s\) outside the out view changed/);
    expect(report.status).toBe('fail');
  });

  it('a kernel that writes into its output after returning (a timer) fails no-late-write, and only that', async () => {
    const report = await runConformance(makeBackend('late-write', { lateWrite: true }), {
      sizes: [1],
      filter: buffers,
    });
    expect(failedIds(report).sort()).toEqual([
      'buffers.no-late-write.float32',
      'buffers.no-late-write.float64',
    ]);
    expect(report.cases.find((c) => c.id === 'buffers.no-late-write.float32')?.reason).toMatch(
      /after it resolved|changed after the call resolved/,
    );
  });
});

describe('backends that cannot load', () => {
  it('BACKEND_UNAVAILABLE gives a skipped report with the reason, never a pass', async () => {
    const backend = makeBackend('missing-binding');
    backend.doInit = async () => {
      throw new SoftmaxError('BACKEND_UNAVAILABLE', 'native binding not found; run npm rebuild');
    };
    const report = await runConformance(backend, { sizes: [1] });
    expect(report.status).toBe('skip');
    expect(report.reason).toMatch(/native binding not found/);
    expect(report.capabilities).toBeNull();
    expect(report.summary.pass).toBe(0);
    expect(report.cases.every((c) => c.status === 'skip' && c.reason === report.reason)).toBe(true);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
