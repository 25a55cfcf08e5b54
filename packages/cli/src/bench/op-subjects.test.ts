import { describe, expect, it } from 'vitest';
import { peerSubjects } from '../peers/peer-subjects.js';
import { maxOpError } from '../peers/reference.js';
import { backendSubject } from './backend-subject.js';
import { kernelSubject } from './kernel-subject.js';
import { BENCH_OPS, resultLength } from './ops.js';
import { type BenchSubject, callOnce } from './subject.js';

const ROWS = 3;
const COLS = 7;
const INPUT = Float32Array.from({ length: ROWS * COLS }, (_, i) => ((i * 37) % 11) - 5.5);

/** Runs one prepared call of a subject and returns what it wrote into `out`. */
async function resultOf(subject: BenchSubject, length: number): Promise<Float32Array> {
  await subject.load();
  const instance = await subject.init('float32');
  try {
    const out = new Float32Array(length).fill(Number.NaN);
    await callOnce(instance.prepare(INPUT, out, ROWS, COLS));
    return out;
  } finally {
    await instance.dispose();
  }
}

// Each subject must time the op it is named for: its output is that op's, row by row.
describe.each(BENCH_OPS)('the bench subjects for --op %s', (op) => {
  const width = op === 'logSumExp' ? 1 : COLS;
  const check = (out: Float32Array) => {
    expect(out.length).toBe(resultLength(op, ROWS, COLS));
    for (let r = 0; r < ROWS; r++) {
      const row = INPUT.subarray(r * COLS, (r + 1) * COLS);
      // float32 results: a few units of 2^-24 relative to the terms (SPEC's measure).
      expect(maxOpError(op, row, out.subarray(r * width, (r + 1) * width))).toBeLessThan(
        16 * 2 ** -24,
      );
    }
  };

  it('compute it through the public API (ts) and the kernel alone (kernel:ts)', async () => {
    check(await resultOf(backendSubject('ts', op), resultLength(op, ROWS, COLS)));
    check(await resultOf(kernelSubject('ts', op), resultLength(op, ROWS, COLS)));
  });

  it('compute it in the naive JS peer', async () => {
    const naive = peerSubjects(op).find((subject) => subject.id === 'peer:naive-js');
    check(await resultOf(naive as BenchSubject, resultLength(op, ROWS, COLS)));
  });

  it('say which peers lack it, with the reason (transformers.js has no log-sum-exp)', () => {
    const transformers = peerSubjects(op).find((s) => s.id === 'peer:transformers.js');
    const reason = transformers?.unsupported?.('float32');
    if (op === 'logSumExp') expect(reason).toMatch(/transformers\.js has no logSumExp/);
    else expect(reason).toBeUndefined();
  });
});
