import { describe, expect, it } from 'vitest';
import { precisionFromBits, probeMantissaBits } from './probe-precision.js';
import type { Tf } from './tfjs-types.js';

describe('probeMantissaBits', () => {
  it('finds the 23 fraction bits of float32 on the tfjs cpu device and frees its tensors', async () => {
    const tf = (await import('@tensorflow/tfjs-core')) as Tf;
    await import('@tensorflow/tfjs-backend-cpu');
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    expect(await probeMantissaBits(tf)).toBe(23);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('precisionFromBits', () => {
  it('maps 23 or more bits to float32, 10 to 22 to float16, fewer to nothing', () => {
    expect(precisionFromBits(30)).toBe('float32');
    expect(precisionFromBits(23)).toBe('float32');
    expect(precisionFromBits(22)).toBe('float16');
    expect(precisionFromBits(10)).toBe('float16');
    expect(precisionFromBits(9)).toBeUndefined();
  });
});
