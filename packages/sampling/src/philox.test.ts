import { describe, expect, it } from 'vitest';
import { testRng } from '../test/reference-sampler.js';
import { philox4x32, uniformAt } from './philox.js';

const hex = (words: Uint32Array) => [...words].map((w) => w.toString(16).padStart(8, '0'));

/** Philox4x32-10 in BigInt, written from the paper's definition: an independent check. */
function philoxBig(counter: number[], key: number[]): number[] {
  const mask = 0xffffffffn;
  let [c0, c1, c2, c3] = counter.map(BigInt) as [bigint, bigint, bigint, bigint];
  let [k0, k1] = key.map(BigInt) as [bigint, bigint];
  for (let round = 0; round < 10; round++) {
    const p0 = 0xd2511f53n * c0;
    const p1 = 0xcd9e8d57n * c2;
    [c0, c1, c2, c3] = [
      ((p1 >> 32n) ^ c1 ^ k0) & mask,
      p1 & mask,
      ((p0 >> 32n) ^ c3 ^ k1) & mask,
      p0 & mask,
    ];
    k0 = (k0 + 0x9e3779b9n) & mask;
    k1 = (k1 + 0xbb67ae85n) & mask;
  }
  return [c0, c1, c2, c3].map(Number);
}

describe('Philox4x32-10', () => {
  // Random123's known-answer vectors (kat_vectors: philox4x32 10 ...).
  it.each([
    [
      [0, 0, 0, 0],
      [0, 0],
      ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8'],
    ],
    [
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
      [0xffffffff, 0xffffffff],
      ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd'],
    ],
    [
      [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
      [0xa4093822, 0x299f31d0],
      ['d16cfe09', '94fdcceb', '5001e420', '24126ea1'],
    ],
  ])('matches the published vector for counter %j and key %j', (counter, key, expected) => {
    const out = philox4x32(
      counter[0]!,
      counter[1]!,
      counter[2]!,
      counter[3]!,
      key[0]!,
      key[1]!,
      new Uint32Array(4),
    );
    expect(hex(out)).toEqual(expected);
  });

  it('agrees with a BigInt implementation on random counters and keys', () => {
    const rng = testRng(11);
    const word = () => Math.floor(rng() * 4294967296);
    for (let trial = 0; trial < 500; trial++) {
      const counter = [word(), word(), word(), word()];
      const key = [word(), word()];
      const out = philox4x32(
        counter[0]!,
        counter[1]!,
        counter[2]!,
        counter[3]!,
        key[0]!,
        key[1]!,
        new Uint32Array(4),
      );
      expect([...out]).toEqual(philoxBig(counter, key));
    }
  });
});

describe('uniformAt', () => {
  it('is (bits >>> 11) * 2^-53 of words 1 (high) and 0 (low) for counter (step, 0, row, 0) and key seed', () => {
    for (const [seed, row, step] of [
      [7, 0, 0],
      [123456789012, 5, 3],
      [-1, 2, 2 ** 40 + 17],
    ] as const) {
      const seedBig = BigInt.asUintN(64, BigInt(seed));
      const stepBig = BigInt(step);
      const words = philoxBig(
        [Number(stepBig & 0xffffffffn), Number(stepBig >> 32n), row, 0],
        [Number(seedBig & 0xffffffffn), Number(seedBig >> 32n)],
      );
      const bits = (BigInt(words[1]!) << 32n) | BigInt(words[0]!);
      expect(uniformAt(seed, row, step)).toBe(Number(bits >> 11n) * 2 ** -53);
    }
  });

  it('stays in [0, 1) and depends on every part of the key', () => {
    const seen = new Set<number>();
    for (let step = 0; step < 1000; step++) {
      const u = uniformAt(42, 0, step);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      seen.add(u);
    }
    expect(seen.size).toBe(1000);
    expect(uniformAt(42, 1, 0)).not.toBe(uniformAt(42, 0, 0));
    expect(uniformAt(43, 0, 0)).not.toBe(uniformAt(42, 0, 0));
  });
});
