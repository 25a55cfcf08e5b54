import { describe, expect, it } from 'vitest';
import { float32OnlyBackend, referenceBackend } from '../test/reference-backend.js';
import {
  type Backend,
  type BackendCapabilities,
  createSoftmax,
  SoftmaxError,
  unitRoundoff,
} from './index.js';

// SPEC's worked examples are given to 6 digits, so they are checked to half a unit in the 6th place.
const SIX_DIGITS = 5e-7;

describe('createSoftmax', () => {
  it('computes the worked examples of the contract', async () => {
    const sm = await createSoftmax(referenceBackend());
    const cases: [number[], number | undefined, number[]][] = [
      [[2, 1, 0.1], 1, [0.659001, 0.242433, 0.098566]],
      [[2, 1, 0.5], 1, [0.628532, 0.231224, 0.140244]],
      [[2, 1, 0.5], 0.5, [0.843795, 0.114195, 0.04201]],
      [[2, 1, 0.5], 2, [0.481024, 0.291756, 0.22722]],
      [[3, 3, 3], 7, [1 / 3, 1 / 3, 1 / 3]],
      [[2, 5, 5], 0, [0, 0.5, 0.5]],
      [[1, Number.NEGATIVE_INFINITY, 1], Number.POSITIVE_INFINITY, [0.5, 0, 0.5]],
    ];
    for (const [logits, temperature, expected] of cases) {
      const p = await sm.softmax(logits, { temperature });
      expect(p).toBeInstanceOf(Float64Array);
      expected.forEach((value, i) => {
        expect(Math.abs((p[i] as number) - value)).toBeLessThan(SIX_DIGITS);
      });
    }
  });

  it('returns the input dtype: Float32Array in gives Float32Array out, arrays give Float64Array', async () => {
    const sm = await createSoftmax(referenceBackend());
    expect(await sm.softmax(new Float32Array([1, 2]))).toBeInstanceOf(Float32Array);
    expect(await sm.softmax(new Float64Array([1, 2]))).toBeInstanceOf(Float64Array);
    expect(await sm.logSoftmax([1, 2])).toBeInstanceOf(Float64Array);
    expect(await sm.logSumExp([[1, 2]])).toBeInstanceOf(Float64Array);
  });

  it('offers sync methods exactly when the backend has a sync kernel', async () => {
    const sync = await createSoftmax(referenceBackend());
    expect(typeof sync.softmaxSync).toBe('function');
    const asyncOnly = await createSoftmax(float32OnlyBackend());
    expect('softmaxSync' in asyncOnly).toBe(false);
  });

  it('rejects every call after dispose with DISPOSED and disposes the backend once', async () => {
    const backend = referenceBackend();
    const sm = await createSoftmax(backend);
    await sm.dispose();
    await sm.dispose();
    expect(backend.disposed).toBe(1);
    await expect(sm.softmax([1, 2])).rejects.toMatchObject({ code: 'DISPOSED' });
    expect(() => sm.softmaxSync([1, 2])).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });

  it("reports a plain failing init as BACKEND_ERROR with the cause, and passes a backend's own BACKEND_UNAVAILABLE through", async () => {
    const cause = new TypeError('undefined is not a function');
    const broken = { ...referenceBackend(), name: 'broken', doInit: () => Promise.reject(cause) };
    const error = await createSoftmax(broken).catch((e: unknown) => e);
    expect(SoftmaxError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'BACKEND_ERROR', cause });
    expect((error as Error).message).toContain('undefined is not a function');
    const unavailable = new SoftmaxError(
      'BACKEND_UNAVAILABLE',
      'libfoo.so: cannot open shared object file; npm rebuild foo',
    );
    const missing = { ...referenceBackend(), doInit: () => Promise.reject(unavailable) };
    await expect(createSoftmax(missing)).rejects.toBe(unavailable);
  });

  it('copies declared split thresholds once into frozen objects and refuses invalid ones as BACKEND_ERROR naming the entry', async () => {
    const declared = [
      { count: 'elements', at: 262_144, what: 'threads' },
      { count: 'rows', at: 4097 },
    ];
    // what a backend reports is unknown to core: a plain object, whatever its types say
    const withSplits = (splitsAt: unknown): Backend => {
      const backend = referenceBackend();
      const init = backend.doInit.bind(backend);
      return {
        ...backend,
        doInit: async () => ({ ...(await init()), splitsAt }) as BackendCapabilities,
      };
    };
    const sm = await createSoftmax(withSplits(declared));
    expect(sm.backend.capabilities.splitsAt).toEqual(declared);
    expect(Object.isFrozen(sm.backend.capabilities.splitsAt?.[0])).toBe(true);
    (declared[0] as { at: number }).at = 1; // the backend's own array no longer matters
    expect(sm.backend.capabilities.splitsAt?.[0]?.at).toBe(262_144);
    for (const [bad, where] of [
      [{ count: 'elements', at: 262_144 }, 'splitsAt is'],
      [[{ count: 'bytes', at: 8 }], 'splitsAt[0].count'],
      [
        [
          { count: 'rows', at: 2 },
          { count: 'rows', at: 0 },
        ],
        'splitsAt[1].at',
      ],
      [[{ count: 'rows', at: 2.5 }], 'splitsAt[0].at'],
      [[{ count: 'cols', at: 9, what: 3 }], 'splitsAt[0].what'],
      [[null], 'splitsAt[0] is'],
    ] as const) {
      const error = await createSoftmax(withSplits(bad)).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BACKEND_ERROR' });
      expect((error as Error).message).toContain(where);
    }
  });

  it('refuses a backend of another specification version, naming both versions', async () => {
    const future = { ...referenceBackend(), specificationVersion: 'v2' } as unknown as ReturnType<
      typeof referenceBackend
    >;
    await expect(createSoftmax(future)).rejects.toThrow(/"v2".*'v1'/);
  });

  it('wraps a kernel failure in BACKEND_ERROR and keeps the original as cause', async () => {
    const backend = referenceBackend();
    const cause = new Error('device lost');
    backend.doComputeSync = () => {
      throw cause;
    };
    const sm = await createSoftmax(backend);
    await expect(sm.softmax([1, 2])).rejects.toMatchObject({ code: 'BACKEND_ERROR', cause });
  });

  it('hands the kernel only regular rows, with their max and a skip mask for the others', async () => {
    const backend = referenceBackend();
    const sm = await createSoftmax(backend);
    sm.softmaxSync(
      [
        [1, 3, 2],
        [Number.POSITIVE_INFINITY, 0, 0],
        [4, 4, 4],
      ],
      { temperature: [1, 1, 0] },
    );
    const request = backend.calls[0];
    expect(request?.rowMax.slice(0, 1)).toEqual(new Float64Array([3]));
    expect(Array.from(request?.skip ?? [])).toEqual([0, 1, 1]);
  });

  it('does not call the kernel when every row is special', async () => {
    const backend = referenceBackend();
    const sm = await createSoftmax(backend);
    expect(Array.from(sm.softmaxSync([5, 1], { temperature: 0 }))).toEqual([1, 0]);
    expect(backend.calls).toHaveLength(0);
  });

  it('is bitwise deterministic: the same call twice gives the same bits', async () => {
    const sm = await createSoftmax(referenceBackend());
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 20);
    expect(sm.softmaxSync(x, { temperature: 0.7 })).toEqual(
      sm.softmaxSync(x, { temperature: 0.7 }),
    );
  });
});

describe('conversion for a backend without the input dtype', () => {
  it('shifts float64 rows by their max before rounding to float32, so huge finite logits keep their order', async () => {
    const sm = await createSoftmax(float32OnlyBackend());
    // 1e300 and 2e300 are both +Infinity in float32; the shift makes them -1e300 and 0.
    expect(Array.from(await sm.softmax([1e300, 2e300, 5]))).toEqual([0, 1, 0]);
  });

  it('adds the shift back to logSumExp in float64', async () => {
    const sm = await createSoftmax(float32OnlyBackend());
    const [lse] = await sm.logSumExp([1e300, 1e300]);
    expect(lse).toBe(1e300); // 1e300 + log 2 rounds to 1e300 in float64
    const [small] = await sm.logSumExp([0.5, 0.5]);
    // computed in float32 after the shift: within a few float32 roundoffs of 0.5 + log 2
    expect(Math.abs((small as number) - (0.5 + Math.LN2))).toBeLessThan(
      4 * unitRoundoff('float32'),
    );
  });

  it('returns Float64Array for float64 input on a float32 backend', async () => {
    const sm = await createSoftmax(float32OnlyBackend());
    const p = await sm.softmax(new Float64Array([2, 1, 0.1]));
    expect(p).toBeInstanceOf(Float64Array);
    // float32 compute: each p within (4 + 2|z|) eps32 relative, |z| <= 1.9
    [0.659001, 0.242433, 0.098566].forEach((v, i) => {
      expect(Math.abs((p[i] as number) - v) / v).toBeLessThan(
        8 * unitRoundoff('float32') + SIX_DIGITS / v,
      );
    });
  });
});
