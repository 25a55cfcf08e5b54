import { describe, expect, it } from 'vitest';
import { SeparateViews } from './typed-arrays.js';

describe('SeparateViews', () => {
  it('remembers a separate pair, and still finds every overlapping pair after it', () => {
    const views = new SeparateViews();
    const buffer = new Float32Array(8);
    const input = buffer.subarray(0, 4);
    const separate = new Float32Array(4);
    expect(views.overlaps(separate, input)).toBe(false);
    expect(views.overlaps(separate, input)).toBe(false); // the remembered pair
    expect(views.overlaps(buffer.subarray(2, 6), input)).toBe(true);
    expect(views.overlaps(input, input)).toBe(true);
    expect(views.overlaps(buffer.subarray(4, 8), input)).toBe(false); // same buffer, disjoint
    // The remembered pair in the other order is another question, answered from the buffers.
    expect(views.overlaps(input, separate)).toBe(false);
  });

  it('answers for views of large and shared buffers without remembering them', () => {
    const views = new SeparateViews();
    const large = new Float64Array(1 << 16);
    const small = new Float64Array(4);
    expect(views.overlaps(large, small)).toBe(false);
    expect(views.overlaps(large.subarray(0, 4), large.subarray(2, 6))).toBe(true);
    const shared = new Float32Array(new SharedArrayBuffer(64));
    expect(views.overlaps(shared.subarray(0, 4), shared.subarray(3, 7))).toBe(true);
    expect(views.overlaps(shared.subarray(0, 4), new Float32Array(4))).toBe(false);
  });
});
