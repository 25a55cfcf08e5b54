import { createSoftmax, type Softmax, SoftmaxError } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  maxRelativeError,
  referenceLogSoftmax,
  referenceSoftmax,
  seededRandom,
  U32,
} from './test-support/reference.js';
import { tfjsBackend } from './tfjs-backend.js';

/**
 * Relative error bound for one softmax entry computed in float32 from z = (x - m)/T:
 * z carries 2u|z| (subtraction, division), exp adds |dz| plus its own rounding (allowed 2u),
 * the row sum at most (n - 1)u for rows this short, the division u. Hence (4 + 4 max|z| + n) u.
 */
const softmaxBound = (maxAbsZ: number, n: number) => (4 + 4 * maxAbsZ + n) * U32;

describe.each(['cpu', 'wasm'] as const)('tfjsBackend on %s in Node', (device) => {
  let sm: Softmax;
  beforeAll(async () => {
    sm = await createSoftmax(tfjsBackend({ device }));
  });
  afterAll(async () => {
    await sm.dispose();
  });

  it('is named tfjs-<device> and reports the probed float32 precision', () => {
    expect(sm.backend.name).toBe(`tfjs-${device}`);
    const { capabilities } = sm.backend;
    expect(capabilities.dtypes).toEqual(['float32']);
    expect(capabilities.computePrecision).toEqual({ float32: 'float32', float64: 'float32' });
    expect(capabilities.details?.probedMantissaBits).toBe(23);
    expect(capabilities.details?.tfjsVersion).toMatch(/^4\.22\./);
  });

  it.each([
    [[2, 1, 0.1], 1, [0.659001, 0.242433, 0.098566]],
    [[2, 1, 0.5], 1, [0.628532, 0.231224, 0.140244]],
    [[2, 1, 0.5], 0.5, [0.843795, 0.114195, 0.04201]],
    [[2, 1, 0.5], 2, [0.481024, 0.291756, 0.22722]],
  ])('softmax(%j, T = %d) matches SPEC worked example', async (logits, temperature, expected) => {
    const result = await sm.softmax(new Float32Array(logits), { temperature });
    expect(result).toBeInstanceOf(Float32Array);
    const reference = referenceSoftmax(Float32Array.from(logits), temperature);
    // SPEC prints 6 decimals (rounding error 5e-7) on top of the float32 bound.
    const maxAbsZ = (Math.max(...logits) - Math.min(...logits)) / temperature;
    for (let index = 0; index < logits.length; index++) {
      expect(Math.abs(result[index]! - expected[index]!)).toBeLessThanOrEqual(
        5e-7 + softmaxBound(maxAbsZ, logits.length),
      );
    }
    expect(maxRelativeError(result, reference)).toBeLessThanOrEqual(softmaxBound(maxAbsZ, 3));
  });

  it('softmax of equal logits is exactly uniform for Float64Array input', async () => {
    const result = await sm.softmax(new Float64Array([3, 3, 3, 3]));
    expect(result).toBeInstanceOf(Float64Array);
    expect(Array.from(result)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('softmax of the largest float32 values [-3e38, 3e38] is exactly [0, 1]', async () => {
    expect(Array.from(await sm.softmax(new Float32Array([-3e38, 3e38])))).toEqual([0, 1]);
    const logp = await sm.logSoftmax(new Float32Array([-3e38, 3e38]));
    expect(logp[1]).toBe(0);
    expect(Number.isNaN(logp[0])).toBe(false);
  });

  it('a temperature above 1 brings an overflowing x - m back into range, never NaN', async () => {
    const logits = new Float32Array([-3e38, 3e38]);
    // (x - m) is -6e38, beyond float32; divided by T = 1e38 it is about -6.
    const result = await sm.softmax(logits, { temperature: 1e38 });
    expect(maxRelativeError(result, referenceSoftmax(logits, 1e38))).toBeLessThanOrEqual(
      softmaxBound(6, 2),
    );
    // T = 1e300 is Infinity in float32: every z is ~0 and the result is uniform.
    expect(Array.from(await sm.softmax(logits, { temperature: 1e300 }))).toEqual([0.5, 0.5]);
  });

  it('temperatures beyond float32 keep masked entries at exactly 0 and scale the rest', async () => {
    const masked = Number.NEGATIVE_INFINITY;
    // T = 1e300 is Infinity in float32: -Infinity / Infinity would be NaN.
    expect(Array.from(await sm.softmax([1, masked, 2], { temperature: 1e300 }))).toEqual([
      0.5, 0, 0.5,
    ]);
    // T = 1e39 is beyond float32 as well, yet z = [-0.6, 0] is far from 0.
    const logits = new Float32Array([-3e38, masked, 3e38]);
    const result = await sm.softmax(logits, { temperature: 1e39 });
    expect(result[1]).toBe(0);
    expect(
      maxRelativeError([result[0]!, result[2]!], referenceSoftmax([logits[0]!, logits[2]!], 1e39)),
    ).toBeLessThanOrEqual(softmaxBound(0.6, 2));
  });

  it('the subnormal temperature 5e-324 gives the argmax limit without NaN', async () => {
    expect(Array.from(await sm.softmax([1, 2, 3], { temperature: 5e-324 }))).toEqual([0, 0, 1]);
    expect(Array.from(await sm.softmax([2, 5, 5], { temperature: 5e-324 }))).toEqual([0, 0.5, 0.5]);
    const logp = await sm.logSoftmax([1, 2, 3], { temperature: 5e-324 });
    expect(Array.from(logp)).toEqual([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);
  });

  it('tiny temperatures scale differences of their own size correctly', async () => {
    // z = (x - m)/T = [0, -1] and [0, -3]: T below float32's range is applied in float64.
    const tiny = await sm.softmax([0, -1e-30], { temperature: 1e-30 });
    expect(maxRelativeError(tiny, referenceSoftmax([0, -1]))).toBeLessThanOrEqual(
      softmaxBound(1, 2),
    );
    const subnormal = 2 ** -149;
    const logits = new Float32Array([0, -3 * subnormal]);
    const result = await sm.softmax(logits, { temperature: subnormal });
    expect(maxRelativeError(result, referenceSoftmax([0, -3]))).toBeLessThanOrEqual(
      softmaxBound(3, 2),
    );
  });

  it('rows with tiny and large temperatures in one batch each get their own limit', async () => {
    const result = await sm.softmax([0, -1e-30, 0, -2], { shape: [2, 2], temperature: [1e-30, 2] });
    const expected = [...referenceSoftmax([0, -1]), ...referenceSoftmax([0, -1])];
    expect(maxRelativeError(result, expected)).toBeLessThanOrEqual(softmaxBound(1, 2));
  });

  it('logits of 1e30 give a one-hot result and a finite log-sum-exp', async () => {
    expect(Array.from(await sm.softmax([1e30, 0, -1e30]))).toEqual([1, 0, 0]);
    const [value] = await sm.logSumExp([1e30, 1e30]);
    // 1e30 + ln 2 is 1e30 to within float32 rounding of the max (u relative).
    expect(Math.abs(value! - 1e30) / 1e30).toBeLessThanOrEqual(2 * U32);
  });

  it('masked entries get exactly 0 and -Infinity', async () => {
    expect(Array.from(await sm.softmax([1, Number.NEGATIVE_INFINITY, 1]))).toEqual([0.5, 0, 0.5]);
    const logp = await sm.logSoftmax(new Float32Array([1, Number.NEGATIVE_INFINITY, 1]));
    expect(logp[1]).toBe(Number.NEGATIVE_INFINITY);
    expect(Math.abs(logp[0]! + Math.LN2)).toBeLessThanOrEqual(4 * U32);
    const [lse] = await sm.logSumExp([0, Number.NEGATIVE_INFINITY, 0]);
    expect(Math.abs(lse! - Math.LN2)).toBeLessThanOrEqual(4 * U32);
  });

  it('log-softmax and log-sum-exp of random rows match the float64 reference', async () => {
    const random = seededRandom(7);
    const rows = 16;
    const cols = 300;
    const logits = Float32Array.from({ length: rows * cols }, () => 20 * random() - 10);
    const logp = await sm.logSoftmax(logits, { shape: [rows, cols], temperature: 0.7 });
    const lse = await sm.logSumExp(logits, { shape: [rows, cols] });
    for (let row = 0; row < rows; row++) {
      const slice = logits.subarray(row * cols, (row + 1) * cols);
      const expected = referenceLogSoftmax(slice, 0.7);
      // |z| <= 20 / 0.7 < 29: absolute error (2|z| + 2 + (n - 1)) u, the last term for the log
      // of a sum with one float32 accumulator (tfjs's own logSoftmax on cpu and wasm at this n;
      // the blocked sums of row-sum.ts, 2 * 63 u at n = 300, are inside it).
      for (let col = 0; col < cols; col++) {
        const z = Math.abs(expected[col]!);
        expect(Math.abs(logp[row * cols + col]! - expected[col]!)).toBeLessThanOrEqual(
          (2 * z + 2 + (cols - 1)) * U32 + 1e-12,
        );
      }
      const max = Math.max(...Array.from(slice));
      const expectedLse =
        max + Math.log(Array.from(slice).reduce((s, x) => s + Math.exp(x - max), 0));
      // the max's own rounding, the log's 4u and the sum's (n - 1)u, as above.
      expect(Math.abs(lse[row]! - expectedLse)).toBeLessThanOrEqual(
        (Math.abs(expectedLse) + 4 + (cols - 1)) * U32,
      );
    }
  });

  it('softmax of a row of one million entries stays within the blocked-sum bound', async () => {
    const random = seededRandom(11);
    const logits = Float32Array.from({ length: 1_000_000 }, () => 10 * random() - 5);
    const result = await sm.softmax(logits);
    // |z| <= 10; the blocked sum has ceil(log_64 1e6) = 4 levels of 64: (4 + 2*10 + 4*63) u.
    // A single float32 accumulator (tfjs's own sum) reached 4e-4 here, far above 1.7e-5.
    expect(maxRelativeError(result, referenceSoftmax(logits))).toBeLessThanOrEqual(
      (4 + 2 * 10 + 4 * 63) * U32,
    );
  });

  it.each([
    [65_536, 1],
    [65_536, 0.5],
    [65_537, 1],
    [65_537, 0.5],
  ])(
    'rows of %i entries at T = %d, on either side of the fused-path length, match the float64 reference',
    async (cols, temperature) => {
      const random = seededRandom(cols + temperature);
      const logits = Float32Array.from({ length: 2 * cols }, () => 10 * random() - 5);
      logits[3] = Number.NEGATIVE_INFINITY; // a masked entry: exactly 0 / -Infinity on both paths
      const options = { shape: [2, cols], temperature };
      const p = await sm.softmax(logits, options);
      const logp = await sm.logSoftmax(logits, options);
      for (let row = 0; row < 2; row++) {
        const slice = logits.subarray(row * cols, (row + 1) * cols);
        // |z| <= 10 / T; the sum's worst case (n - 1)u covers tfjs's single accumulator
        // (rows up to 65,536) and the blocked sums (longer rows) alike.
        const bound = softmaxBound(10 / temperature, cols);
        const got = p.subarray(row * cols, (row + 1) * cols);
        expect(maxRelativeError(got, referenceSoftmax(slice, temperature))).toBeLessThanOrEqual(
          bound,
        );
        const expected = referenceLogSoftmax(slice, temperature);
        let worst = 0;
        for (let col = 0; col < cols; col++) {
          const want = expected[col]!;
          const have = logp[row * cols + col]!;
          if (want === Number.NEGATIVE_INFINITY) expect(have).toBe(want);
          else worst = Math.max(worst, Math.abs(have - want) / (Math.abs(want) + 1));
        }
        // absolute error (2|z| + 2 + (n - 1)) u, |z| <= 10 / T, measured relative to |want| + 1
        expect(worst).toBeLessThanOrEqual(bound);
      }
    },
  );

  it('the same call twice gives bitwise the same result', async () => {
    const logits = Float32Array.from({ length: 1000 }, (_, index) => Math.sin(index) * 8);
    const first = await sm.softmax(logits, { temperature: 1.3 });
    const second = await sm.softmax(logits, { temperature: 1.3 });
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it('leaves no tensors behind after 1,000 calls, failing calls included', async () => {
    const backend = tfjsBackend({ device });
    const own = await createSoftmax(backend);
    const before = backend.doResourceCount!();
    for (let call = 0; call < 1000; call++) {
      if (call % 100 === 0) {
        await expect(own.softmax([1, Number.NaN])).rejects.toMatchObject({ code: 'NAN_INPUT' });
      }
      const operation = (['softmax', 'logSoftmax', 'logSumExp'] as const)[call % 3]!;
      await own[operation](new Float32Array([call % 7, 1, -2, 0.5]), { shape: [2, 2] });
    }
    expect(backend.doResourceCount!()).toBe(before);
    await own.dispose();
  });
});

describe('several tfjs devices in one process', () => {
  it('interleaved calls on cpu and wasm each give their own correct result', async () => {
    const cpu = await createSoftmax(tfjsBackend({ device: 'cpu' }));
    const wasm = await createSoftmax(tfjsBackend({ device: 'wasm' }));
    const calls = Array.from({ length: 40 }, (_, index) => {
      const logits = new Float32Array([index % 5, 1, -1, 0.25 * index]);
      const sm = index % 2 === 0 ? cpu : wasm;
      return sm.softmax(logits).then((result) => ({ logits, result }));
    });
    for (const { logits, result } of await Promise.all(calls)) {
      const maxAbsZ = Math.max(...logits) - Math.min(...logits);
      expect(maxRelativeError(result, referenceSoftmax(logits))).toBeLessThanOrEqual(
        softmaxBound(maxAbsZ, 4),
      );
    }
    await cpu.dispose();
    // Disposing one instance leaves the other, and tfjs's registered backends, working.
    expect(Array.from(await wasm.softmax([3, 3]))).toEqual([0.5, 0.5]);
    await wasm.dispose();
  });

  it('restores the backend the user had active after each call', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const cpu = await createSoftmax(tfjsBackend({ device: 'cpu', tf }));
    const wasm = await createSoftmax(tfjsBackend({ device: 'wasm', tf }));
    await tf.setBackend('cpu');
    await wasm.softmax([1, 2]);
    expect(tf.getBackend()).toBe('cpu');
    expect(tf.findBackendFactory('wasm')).not.toBeNull();
    await cpu.dispose();
    await wasm.dispose();
    expect(tf.findBackendFactory('cpu')).not.toBeNull();
  });
});

describe('devices that need a browser', () => {
  it.each([
    ['webgl', /WebGL needs a browser/],
    ['webgpu', /navigator\.gpu is undefined/],
  ] as const)(
    '%s rejects createSoftmax in Node with BACKEND_UNAVAILABLE and the reason',
    async (device, reason) => {
      const error = await createSoftmax(tfjsBackend({ device })).catch((caught: unknown) => caught);
      expect(SoftmaxError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      expect((error as Error).message).toMatch(reason);
    },
  );

  it('an unknown device is refused when the backend is created', () => {
    expect(() => tfjsBackend({ device: 'tpu' as 'cpu' })).toThrow(
      /accepted: 'cpu', 'wasm', 'webgl', 'webgpu'/,
    );
  });
});
