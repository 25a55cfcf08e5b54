import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  float32OnlyBackend,
  referenceBackend,
  scanningBackend,
} from '../test/reference-backend.js';
import { createSoftmax, SoftmaxError } from './index.js';

// SPEC: whatever a caller passes gives a correct result or a SoftmaxError with a code; a call
// reads its input and options once; a failed call leaves no state behind.

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (!SoftmaxError.isInstance(error)) throw new Error(`not a SoftmaxError: ${String(error)}`);
    return error.code;
  }
  throw new Error('expected an error');
}

/** softmax of one row in float64 from its definition (test-side model). */
function softmaxModel(row: readonly number[], t = 1): number[] {
  const m = Math.max(...row);
  const e = row.map((x) => Math.exp((x - m) / t));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

const closeTo = (actual: ArrayLike<number>, expected: readonly number[], tol: number) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs((actual[i] as number) - (expected[i] as number))).toBeLessThanOrEqual(tol);
  }
};

// float64 kernel: a few ulps of n-term sums; 1e-15 is ~5n eps for these n <= 4.
const TOL64 = 1e-15;

describe('a failed call leaves no state behind', () => {
  it('gives the first result again after a call rejected for its temperatures (sync and async)', async () => {
    for (const backend of [referenceBackend(), scanningBackend(), float32OnlyBackend()]) {
      const sm = await createSoftmax(backend);
      const x = [1, 3, 2, 4];
      const first = await sm.softmax(x, { shape: [2, 2], temperature: 0.5 });
      await expect(sm.softmax(x, { shape: [2, 2], temperature: [2, -1] })).rejects.toMatchObject({
        code: 'INVALID_TEMPERATURE',
      });
      expect(Array.from(await sm.softmax(x, { shape: [2, 2], temperature: 0.5 }))).toEqual(
        Array.from(first),
      );
      closeTo(first.subarray(0, 2), softmaxModel([1, 3], 0.5), 1e-6);
      if ('softmaxSync' in sm) {
        const sync = sm as unknown as { softmaxSync: typeof sm.softmax };
        expect(() =>
          sync.softmaxSync(x, { shape: [2, 2], temperature: [2, Number.NaN] }),
        ).toThrow();
        expect(
          Array.from(sync.softmaxSync(x, { shape: [2, 2], temperature: 0.5 } as never) as never),
        ).toEqual(Array.from(first));
      }
    }
  });
});

describe('hostile inputs give a SoftmaxError, never another exception', () => {
  it('refuses a cyclic array and 30,000-deep nesting without a stack overflow', async () => {
    const sm = await createSoftmax(referenceBackend());
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(await codeOf(() => sm.softmax(cyclic as never))).toBe('INVALID_INPUT');
    let deep: unknown = [1];
    for (let i = 0; i < 30_000; i++) deep = [deep];
    expect(await codeOf(() => sm.softmax(deep as never))).toBe('INVALID_INPUT');
    const wide: unknown[] = [[1, 2]];
    wide.push(wide);
    expect(await codeOf(() => sm.softmax(wide as never))).toBe('INVALID_INPUT');
  });

  it('names BigInts and null-prototype objects in options without throwing a TypeError', async () => {
    const sm = await createSoftmax(referenceBackend());
    const bare = Object.create(null);
    expect(await codeOf(() => sm.softmax([1, 2], { nan: 1n } as never))).toBe('INVALID_INPUT');
    expect(await codeOf(() => sm.softmax([1, 2], { out: bare }))).toBe('UNSUPPORTED_DTYPE');
    expect(await codeOf(() => sm.softmax([1, 2], { axis: bare }))).toBe('INVALID_AXIS');
    expect(await codeOf(() => sm.softmax([1, 2], { shape: [bare] }))).toBe('SHAPE_MISMATCH');
    expect(await codeOf(() => sm.softmax([1, 2], { temperature: 2n } as never))).toBe(
      'INVALID_TEMPERATURE',
    );
    closeTo(await sm.softmax([1, 2], bare), softmaxModel([1, 2]), TOL64);
  });

  it('turns throwing getters, proxies and revoked proxies into INVALID_INPUT', async () => {
    const sm = await createSoftmax(referenceBackend());
    const getter = [1, 2];
    Object.defineProperty(getter, 1, {
      get() {
        throw new Error('boom');
      },
    });
    expect(await codeOf(() => sm.softmax(getter))).toBe('INVALID_INPUT');
    expect(await codeOf(() => sm.softmax(new Proxy(new Float32Array(3), {}) as never))).toBe(
      'INVALID_INPUT',
    );
    const { proxy, revoke } = Proxy.revocable([1, 2], {});
    revoke();
    expect(await codeOf(() => sm.softmax(proxy))).toBe('INVALID_INPUT');
    const options = {
      get temperature(): number {
        throw new RangeError('no');
      },
    };
    expect(await codeOf(() => sm.softmax([1, 2], options))).toBe('INVALID_INPUT');
    // A proxy around an array is read through its traps, each element once.
    const reads: PropertyKey[] = [];
    const traced = new Proxy([1, 2, 3], {
      get(target, key, receiver) {
        reads.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    closeTo(await sm.softmax(traced), softmaxModel([1, 2, 3]), TOL64);
    expect(reads.filter((k) => k === '0' || k === '1' || k === '2')).toEqual(['0', '1', '2']);
  });

  it('refuses shapes and arrays too large to allocate with a clear error', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(await codeOf(() => sm.softmax(new Array(2 ** 32 - 1)))).toBe('INVALID_INPUT');
    expect(await codeOf(() => sm.softmax([new Array(2 ** 31), new Array(2 ** 31)]))).toBe(
      'INVALID_INPUT',
    );
    const empty = new Float64Array(0);
    expect(Array.from(await sm.softmax(empty, { shape: [0, 2 ** 40] }))).toEqual([]);
    expect(await codeOf(() => sm.logSumExp(empty, { shape: [0, 2 ** 40], axis: 0 }))).toBe(
      'INVALID_INPUT',
    );
    // The axis has length 0: EMPTY_AXIS for softmax; logSumExp would need 2^80 results.
    expect(await codeOf(() => sm.softmax(empty, { shape: [2 ** 40, 2 ** 40, 0] }))).toBe(
      'EMPTY_AXIS',
    );
    expect(await codeOf(() => sm.logSumExp(empty, { shape: [2 ** 40, 2 ** 40, 0] }))).toBe(
      'INVALID_INPUT',
    );
  });

  it('reports a kernel that throws synchronously or returns a non-promise as BACKEND_ERROR', async () => {
    const throwing = {
      ...float32OnlyBackend(),
      doCompute() {
        throw new TypeError('kernel bug');
      },
    };
    const sm = await createSoftmax(throwing as never);
    expect(
      await codeOf(() => (sm as { softmax: (x: number[]) => Promise<unknown> }).softmax([1, 2])),
    ).toBe('BACKEND_ERROR');
    const lazy = { ...float32OnlyBackend(), doCompute: () => 42 };
    const lazySm = await createSoftmax(lazy as never);
    expect(
      await codeOf(() =>
        (lazySm as { softmax: (x: number[]) => Promise<unknown> }).softmax([1, 2]),
      ),
    ).toBe('BACKEND_ERROR');
  });

  it('accepts Float32Array and Float64Array of another realm, as input and as out', async () => {
    const sm = await createSoftmax(referenceBackend());
    const foreign = runInNewContext('new Float32Array([2, 1, 0.1])') as Float32Array;
    const result = await sm.softmax(foreign);
    expect(result).toBeInstanceOf(Float32Array);
    closeTo(result, softmaxModel([2, 1, 0.1]), 2 ** -24 * 4);
    const foreignOut = runInNewContext('new Float64Array(3)') as Float64Array;
    expect(await sm.softmax([2, 1, 0.1], { out: foreignOut })).toBe(foreignOut);
    closeTo(foreignOut, softmaxModel([2, 1, 0.1]), TOL64);
    const inPlace = runInNewContext('new Float64Array([2, 1, 0.1])') as Float64Array;
    expect(await sm.softmax(inPlace, { out: inPlace })).toBe(inPlace);
    closeTo(inPlace, softmaxModel([2, 1, 0.1]), TOL64);
  });

  it('ignores an own length property and refuses a detached buffer', async () => {
    const sm = await createSoftmax(referenceBackend());
    const lying = new Float64Array([1, 2, 3]);
    Object.defineProperty(lying, 'length', { value: 100 });
    closeTo(await sm.softmax(lying), softmaxModel([1, 2, 3]), TOL64);
    const buffer = new ArrayBuffer(24);
    const view = new Float64Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    expect(await codeOf(() => sm.softmax(view))).toBe('INVALID_INPUT');
    const detachingOptions = {
      get temperature() {
        const own = new ArrayBuffer(24);
        structuredClone(own, { transfer: [own] });
        return 1;
      },
    };
    closeTo(
      await sm.softmax(new Float64Array([1, 2, 3]), detachingOptions),
      softmaxModel([1, 2, 3]),
      TOL64,
    );
  });

  it('reads the input after the options, so a getter that detaches or resizes it is seen', async () => {
    const sm = await createSoftmax(referenceBackend());
    // Resizable buffers (ES2024) are typed locally: the base tsconfig targets ES2022.
    const resizable = new (
      ArrayBuffer as unknown as new (
        length: number,
        options: { maxByteLength: number },
      ) => ArrayBuffer & { resize(length: number): void }
    )(24, { maxByteLength: 48 });
    const tracking = new Float64Array(resizable);
    tracking.set([1, 2, 3]);
    const options = {
      get nan() {
        resizable.resize(16);
        return undefined;
      },
    };
    closeTo(await sm.softmax(tracking, options), softmaxModel([1, 2]), TOL64);
    const buffer = new ArrayBuffer(24);
    const view = new Float64Array(buffer);
    const detach = {
      get axis() {
        structuredClone(buffer, { transfer: [buffer] });
        return -1;
      },
    };
    expect(await codeOf(() => sm.softmax(view, detach))).toBe('INVALID_INPUT');
  });

  it('keeps the outer result when a getter in out calls the same instance re-entrantly', async () => {
    const sm = await createSoftmax(referenceBackend());
    const out = new Float64Array(2);
    const options = {
      temperature: 0.5,
      get out() {
        sm.softmaxSync([5, -5, 0], { temperature: 3 });
        return out;
      },
    };
    sm.softmaxSync([1, 3], options);
    closeTo(out, softmaxModel([1, 3], 0.5), TOL64);
  });
});

describe('rank 0 (shape [])', () => {
  it('is one value: softmax [1], logSoftmax [0], logSumExp the value', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(Array.from(await sm.softmax([7], { shape: [] }))).toEqual([1]);
    expect(Array.from(await sm.logSoftmax(new Float32Array([7]), { shape: [], axis: 0 }))).toEqual([
      0,
    ]);
    expect(Array.from(await sm.logSumExp([-3.5], { shape: [], axis: -1 }))).toEqual([-3.5]);
    expect(await codeOf(() => sm.softmax([7], { shape: [], axis: 1 }))).toBe('INVALID_AXIS');
    expect(await codeOf(() => sm.softmax([Number.NaN], { shape: [] }))).toBe('NAN_INPUT');
    expect(await codeOf(() => sm.softmax([1, 2], { shape: [] }))).toBe('SHAPE_MISMATCH');
  });
});

describe('an asynchronous call reads its input when it is made', () => {
  it('is not changed by writing the buffer after the promise was returned', async () => {
    const sm = await createSoftmax(float32OnlyBackend());
    const buffer = new Float32Array([2, 1, 0.1]);
    const pending = sm.softmax(buffer);
    buffer[0] = Number.NaN;
    closeTo(await pending, softmaxModel([2, 1, 0.1]), 4 * 2 ** -24);
    const reused = new Float32Array(3);
    const calls = [0, 1, 2].map((k) => {
      reused.set([k, 0, -k]);
      return sm.softmax(reused);
    });
    const results = await Promise.all(calls);
    for (const [k, result] of results.entries()) {
      closeTo(result, softmaxModel([k, 0, -k]), 4 * 2 ** -24);
    }
  });
});

describe('one backend object, one instance', () => {
  it('refuses a second createSoftmax with BACKEND_IN_USE until the first is disposed', async () => {
    const backend = referenceBackend();
    const first = await createSoftmax(backend);
    expect(await codeOf(() => createSoftmax(backend))).toBe('BACKEND_IN_USE');
    closeTo(await first.softmax([1, 2]), softmaxModel([1, 2]), TOL64);
    const one = first.dispose();
    const two = first.dispose();
    await two;
    expect(backend.disposed).toBe(1);
    await one;
    const again = await createSoftmax(backend);
    closeTo(await again.softmax([1, 2]), softmaxModel([1, 2]), TOL64);
  });

  it('releases the object when createSoftmax fails, and the second dispose waits for the first', async () => {
    let fail = true;
    let release: () => void = () => {};
    const backend = {
      ...referenceBackend(),
      async doInit() {
        if (fail) throw new SoftmaxError('BACKEND_UNAVAILABLE', 'not here');
        return referenceBackend().doInit();
      },
      doDispose: () => new Promise<void>((resolve) => (release = resolve)),
    };
    expect(await codeOf(() => createSoftmax(backend))).toBe('BACKEND_UNAVAILABLE');
    fail = false;
    const sm = await createSoftmax(backend);
    let secondDone = false;
    const second = sm.dispose();
    void sm.dispose().then(() => (secondDone = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(secondDone).toBe(false);
    release();
    await second;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(secondDone).toBe(true);
  });
});

describe('float64 input on a float32 kernel', () => {
  it('applies T in float64 before narrowing (huge and subnormal temperatures)', async () => {
    const sm = await createSoftmax(float32OnlyBackend());
    // (x - m) / T = [0, -2] and [0, -1] exactly: closed forms 1 / (1 + e^-k).
    const a = await sm.softmax([1e300, -1e300], { temperature: 1e300 });
    closeTo(a, [1 / (1 + Math.exp(-2)), Math.exp(-2) / (1 + Math.exp(-2))], 4 * 2 ** -24);
    const b = await sm.softmax([0, -5e-324], { temperature: 5e-324 });
    closeTo(b, [1 / (1 + Math.exp(-1)), Math.exp(-1) / (1 + Math.exp(-1))], 4 * 2 ** -24);
    const c = await sm.logSumExp([1e300, 1e300]);
    expect(Math.abs((c[0] as number) - (1e300 + Math.LN2))).toBeLessThanOrEqual(1e300 * 2 ** -52);
  });
});

describe('kernels that scan their own rows (scansRows)', () => {
  it('give the same results as the classic path, sync and async, T limits included', async () => {
    const classic = await createSoftmax(referenceBackend());
    for (const sync of [true, false]) {
      const sm = await createSoftmax(scanningBackend({ sync }));
      const x = [3, 1, 2, 2, 5, 5, 0, -1, 4];
      const options = { shape: [3, 3], temperature: [0.7, 0, Number.POSITIVE_INFINITY] };
      expect(Array.from(await sm.softmax(x, options))).toEqual(
        Array.from(await classic.softmax(x, options)),
      );
      expect(Array.from(await sm.logSumExp(x, { shape: [3, 3] }))).toEqual(
        Array.from(await classic.logSumExp(x, { shape: [3, 3] })),
      );
      await sm.dispose();
    }
  });

  it('lets core raise NAN_INPUT naming the column for a NaN in any position, input left unchanged', async () => {
    const backend = scanningBackend();
    const sm = await createSoftmax(backend);
    for (let cols = 1; cols <= 9; cols++) {
      for (let at = 0; at < cols; at++) {
        const row = Float64Array.from({ length: 2 * cols }, (_, i) => i % 7);
        row[cols + at] = Number.NaN;
        const before = Array.from(row);
        const error = await sm
          .softmax(row, { shape: [2, cols], out: row })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'NAN_INPUT' });
        expect((error as Error).message).toContain(`row 1, column ${at}`);
        expect(Array.from(row)).toEqual(before);
      }
    }
    expect(backend.halts).toBe(45);
  });

  it('writes flagged rows itself under non-error policies and refuses a kernel that flags a regular row', async () => {
    const sm = await createSoftmax(scanningBackend());
    const inf = Number.POSITIVE_INFINITY;
    const result = await sm.softmax([1, inf, inf, 0, 1, 2, -inf, -inf, -inf], {
      shape: [3, 3],
      allMasked: 'zeros',
      nan: 'propagate',
    });
    expect(Array.from(result.subarray(0, 3))).toEqual([0, 0.5, 0.5]);
    closeTo(result.subarray(3, 6), softmaxModel([0, 1, 2]), TOL64);
    expect(Array.from(result.subarray(6))).toEqual([0, 0, 0]);
    const liar = await createSoftmax(scanningBackend({ lie: 'flag-regular' }));
    expect(await codeOf(() => liar.softmax([1, 2], { nan: 'propagate', allMasked: 'zeros' }))).toBe(
      'BACKEND_ERROR',
    );
  });
});

describe('a scanning kernel that is not in place', () => {
  it('leaves out holding NaN, not a partial result, when core then finds a NaN', async () => {
    const sm = await createSoftmax(scanningBackend());
    const input = new Float64Array([1, 2, 3, 4, Number.NaN, 6]);
    const out = new Float64Array(6);
    const error = await sm.softmax(input, { shape: [2, 3], out }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NAN_INPUT' });
    expect((error as Error).message).toContain('row 1, column 1');
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    expect(input[0]).toBe(1);
  });
});

describe('an asynchronous scanning kernel in place', () => {
  it('halts on a flagged row although it reads a snapshot, so a failed call leaves the input unchanged', async () => {
    const backend = scanningBackend({ sync: false });
    const sm = await createSoftmax(backend);
    const row = new Float32Array([1, 2, 3, 4, Number.NaN, 6]);
    const before = Array.from(row);
    const error = await sm.softmax(row, { shape: [2, 3], out: row }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NAN_INPUT' });
    expect(Array.from(row)).toEqual(before);
    expect(backend.halts).toBe(1);
    const partial = new Float64Array([1, 2, 3, Number.NaN, 5]);
    const beforePartial = Array.from(partial);
    const overlap = await sm
      .softmax(partial.subarray(0, 4), { out: partial.subarray(1, 5) })
      .catch((e: unknown) => e);
    expect(overlap).toMatchObject({ code: 'NAN_INPUT' });
    expect(Array.from(partial)).toEqual(beforePartial);
  });
});

describe('a failed call and an out that overlaps the input', () => {
  it('leaves the input unchanged: only an out of its own is spoilt with NaN', async () => {
    const failing = {
      ...referenceBackend(),
      doComputeSync() {
        throw new TypeError('kernel bug');
      },
    };
    const sm = await createSoftmax(failing);
    const buffer = new Float64Array([1, 2, 3, 4, 5]);
    const before = Array.from(buffer);
    const overlap = await sm
      .softmax(buffer.subarray(0, 4), { out: buffer.subarray(1, 5) })
      .catch((e: unknown) => e);
    expect(overlap).toMatchObject({ code: 'BACKEND_ERROR' });
    expect(Array.from(buffer)).toEqual(before);
    const own = new Float64Array(4);
    await sm.softmax([1, 2, 3, 4], { out: own }).catch(() => undefined);
    expect(Array.from(own).every(Number.isNaN)).toBe(true);
    // axis 0 of a 2x2 input in place: gathered rows, the caller's buffer is both input and out.
    const square = new Float64Array([1, 2, 3, 4]);
    await sm.softmax(square, { shape: [2, 2], axis: 0, out: square }).catch(() => undefined);
    expect(Array.from(square)).toEqual([1, 2, 3, 4]);
  });
});
