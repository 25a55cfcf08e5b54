import { describe, expect, it } from 'vitest';
import {
  type ConformanceReport,
  PROFILE_SIZES,
  runConformance,
  splitCalls,
  toJUnit,
} from '../src/index.js';
import { type KernelOptions, makeBackend } from './reference-backends.js';

// The real-size cases and the late-write check, each proved on a broken backend that passes
// every other case (the faults of issue 15). The fast profile: what CI runs.
const SIZES = [1, 3, 100];
const THREADS = { count: 'elements', at: 262_144, what: 'split over 2 threads' } as const;

const failedIds = (report: ConformanceReport) =>
  report.cases
    .filter((c) => c.status === 'fail')
    .map((c) => c.id)
    .sort();

const realSize = (c: { id: string }) =>
  c.id.startsWith('accuracy.batch.') || c.id.startsWith('accuracy.split.');

async function run(
  name: string,
  options: KernelOptions,
  settings: { splitsAt?: readonly (typeof THREADS)[]; filter?: (c: { id: string }) => boolean },
): Promise<ConformanceReport> {
  const capabilities = settings.splitsAt ? { splitsAt: settings.splitsAt } : {};
  return runConformance(makeBackend(name, options, capabilities), {
    sizes: SIZES,
    profile: 'fast',
    ...(settings.filter ? { filter: settings.filter } : {}),
  });
}

describe('the sizes users run', () => {
  it('the fast profile has batches of 64 to 256 rows, vocabularies of 32k to 256k, and a batch of several rows and >= 256k entries', () => {
    for (const profile of ['fast', 'full'] as const) {
      const { batches } = PROFILE_SIZES[profile];
      expect(batches.some(([rows]) => rows >= 64 && rows <= 256)).toBe(true);
      expect(batches.some(([rows]) => rows > 64)).toBe(true);
      expect(batches.some(([, cols]) => cols >= 32_768)).toBe(true);
      expect(batches.some(([, cols]) => cols >= 262_144)).toBe(true);
      expect(batches.some(([rows, cols]) => rows > 1 && rows * cols >= 262_144)).toBe(true);
    }
  });

  it('splitCalls puts calls on both sides of every declared threshold, multi-row ones included', () => {
    const thresholds = [
      THREADS,
      { count: 'rows', at: 4097 },
      { count: 'cols', at: 65_537 },
    ] as const;
    const calls = splitCalls(thresholds, PROFILE_SIZES.fast);
    for (const threshold of thresholds) {
      const around = calls.filter((c) => c.threshold === threshold);
      expect(around.some((c) => c.side === 'below')).toBe(true);
      expect(around.some((c) => c.side === 'at or past' && c.shape[0] > 1)).toBe(true);
    }
    const countOf = ([rows, cols]: readonly [number, number], count: string) =>
      count === 'elements' ? rows * cols : count === 'rows' ? rows : cols;
    for (const { shape, side, threshold } of calls)
      expect(countOf(shape, threshold.count) >= threshold.at).toBe(side === 'at or past');
    // a rows threshold's calls also pass the largest elements threshold
    expect(
      calls
        .filter((c) => c.threshold.count === 'rows')
        .every((c) => c.shape[0] * c.shape[1] >= 262_144 - 4096 * 64),
    ).toBe(true);
  });

  it('a correct kernel that declares a split threshold passes every real-size case; the report names the profile', async () => {
    const report = await run('reference', {}, { splitsAt: [THREADS], filter: realSize });
    expect(report.cases.map((c) => c.id).sort()).toEqual(
      ['float32', 'float64']
        .flatMap((dtype) => [
          `accuracy.batch.softmax.${dtype}`,
          `accuracy.batch.logSoftmax.${dtype}`,
          `accuracy.batch.logSumExp.${dtype}`,
          `accuracy.split.${dtype}`,
        ])
        .sort(),
    );
    expect(failedIds(report)).toEqual([]);
    expect(report.status).toBe('pass');
    expect(report.profile).toBe('fast');
    expect(report.capabilities?.splitsAt).toEqual([THREADS]);
    expect(toJUnit(report)).toContain('<property name="profile" value="fast"/>');
    expect(report.cases.find((c) => c.id === 'accuracy.batch.softmax.float32')?.title).toContain(
      '64 x 32768',
    );
  });

  it('a float32 kernel with a naive float32 sum passes the real-size cases against float32 bounds', async () => {
    const report = await run('float32', { float32: true, sum: 'float32' }, { filter: realSize });
    expect(failedIds(report)).toEqual([]);
    // without a declared threshold the split cases say why they did not run
    expect(report.cases.find((c) => c.id === 'accuracy.split.float32')?.reason).toMatch(
      /declares no split thresholds/,
    );
  });
});

describe('broken at real sizes: each fails exactly its cases', () => {
  it('uniform rows from row 64 of a batch on fail the batch cases and nothing else in the whole suite', async () => {
    const report = await run('uniform-from-64', { uniformFromRow: 64 }, {});
    expect(failedIds(report)).toEqual([
      'accuracy.batch.logSoftmax.float32',
      'accuracy.batch.logSoftmax.float64',
      'accuracy.batch.softmax.float32',
      'accuracy.batch.softmax.float64',
    ]);
    const softmax = report.cases.find((c) => c.id === 'accuracy.batch.softmax.float64');
    expect(softmax?.reason).toMatch(/row 64\b/);
  }, 120_000);

  it('a kernel wrong only in calls of several rows and >= 256k entries fails the batch cases, and the split cases where it declares the threshold', async () => {
    const wrongWhen = (rows: number, cols: number) => rows > 1 && rows * cols >= 262_144;
    const undeclared = await run('wrong-large-batches', { wrongWhen }, {});
    expect(failedIds(undeclared)).toEqual(
      ['float32', 'float64']
        .flatMap((dtype) => [
          `accuracy.batch.logSoftmax.${dtype}`,
          `accuracy.batch.logSumExp.${dtype}`,
          `accuracy.batch.softmax.${dtype}`,
        ])
        .sort(),
    );
    const declared = await run(
      'wrong-large-batches',
      { wrongWhen },
      {
        splitsAt: [THREADS],
        filter: realSize,
      },
    );
    expect(failedIds(declared)).toEqual(
      expect.arrayContaining(['accuracy.split.float32', 'accuracy.split.float64']),
    );
    expect(declared.cases.find((c) => c.id === 'accuracy.split.float64')?.reason).toMatch(
      /at or past elements >= 262144/,
    );
  }, 120_000);

  it('a kernel wrong only past a threshold it declares (one long row) fails the split cases even where no batch reaches it', async () => {
    const threshold = { count: 'cols', at: 300_000 } as const;
    const report = await runConformance(
      makeBackend(
        'wrong-long-rows',
        { wrongWhen: (_rows, cols) => cols >= 300_000 },
        {
          splitsAt: [threshold],
        },
      ),
      { sizes: SIZES, profile: 'fast', filter: realSize },
    );
    expect(failedIds(report)).toEqual(['accuracy.split.float32', 'accuracy.split.float64']);
  }, 120_000);
});

describe('late writes, whatever the load', () => {
  const buffers = (c: { id: string }) => c.id.startsWith('buffers.');

  for (const delay of [100, 1000]) {
    it(`a kernel that overwrites out with NaN ${delay} ms after resolving fails no-late-write, and only that`, async () => {
      const report = await run(
        `late-nan-${delay}`,
        { lateNaNAfterMs: delay },
        {
          filter: buffers,
        },
      );
      expect(failedIds(report)).toEqual([
        'buffers.no-late-write.float32',
        'buffers.no-late-write.float64',
      ]);
      expect(report.cases.find((c) => c.id === 'buffers.no-late-write.float64')?.reason).toMatch(
        /byte\(s\) changed within 1500 ms after the backend was idle/,
      );
    }, 60_000);
  }

  it("a write later than the fixed wait is caught when the backend's doIdle reports the pending work", async () => {
    const pending = new Set<Promise<void>>();
    const backend = makeBackend('late-worker');
    const compute = backend.doCompute.bind(backend);
    backend.doCompute = async (request) => {
      await compute(request);
      const output = request.output;
      // a "worker message" that lands 2 s later, after the fixed wait; doIdle knows about it
      const done = new Promise<void>((resolve) =>
        setTimeout(() => {
          output.fill(Number.NaN);
          resolve();
        }, 2000),
      );
      pending.add(done);
      void done.then(() => pending.delete(done));
    };
    (backend as { doIdle?: () => Promise<void> }).doIdle = async () => {
      await Promise.all(pending);
    };
    // the synchronous path would bypass the late write: this backend is asynchronous only
    const asyncOnly = { ...backend, doComputeSync: undefined };
    const init = backend.doInit.bind(backend);
    asyncOnly.doInit = async () => ({ ...(await init()), sync: false });
    const report = await runConformance(asyncOnly, {
      sizes: [1],
      filter: (c) => c.id === 'buffers.no-late-write.float64',
    });
    expect(failedIds(report)).toEqual(['buffers.no-late-write.float64']);
  }, 60_000);
});
