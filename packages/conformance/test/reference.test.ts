import { describe, expect, it } from 'vitest';
import { ddDiv, ddExp, ddLog, ddLow, ddMul, twoSum } from '../src/double-double.js';
import { createRng, neumaierSum, referenceRow, seedFor } from '../src/index.js';

// Values of e, ln 2 and softmax([2, 1, 0.1]) to more than 32 digits, from the mathematical
// constants (e = 2.71828182845904523536028747135266..., ln 2 = 0.69314718055994530941723212145817...),
// split into float64 high and low parts.
const E_HI = Math.E; // 2.718281828459045
const E_LO = 1.4456468917292502e-16;
const LN2_HI = Math.LN2; // 0.6931471805599453
const LN2_LO = 2.3190468138462996e-17;

describe('double-double arithmetic', () => {
  it('twoSum keeps the rounding error of a float64 sum exactly', () => {
    const hi = twoSum(1, 2 ** -60);
    expect(hi).toBe(1);
    expect(ddLow()).toBe(2 ** -60);
  });

  it('exp(1) agrees with e to about 32 digits', () => {
    const hi = ddExp(1, 0);
    const lo = ddLow();
    expect(hi).toBe(E_HI);
    expect(Math.abs(lo - E_LO)).toBeLessThan(1e-31);
  });

  it('log(2) agrees with ln 2 to about 32 digits', () => {
    const hi = ddLog(2, 0);
    const lo = ddLow();
    expect(hi).toBe(LN2_HI);
    expect(Math.abs(lo - LN2_LO)).toBeLessThan(1e-32);
  });

  it('exp and log are inverse to double-double precision over the range softmax uses', () => {
    const rng = createRng(7);
    for (let i = 0; i < 500; i++) {
      const z = rng.uniform(-700, 50);
      const eHi = ddExp(z, 0);
      const eLo = ddLow();
      const back = ddLog(eHi, eLo);
      const backLo = ddLow();
      // |log(exp(z)) - z| relative to max(|z|, 1): far below float64's 2^-53
      expect(Math.abs(back - z + backLo) / Math.max(Math.abs(z), 1)).toBeLessThan(2 ** -90);
    }
  });

  it('exp of a negative argument matches Math.exp within 1 ulp of float64', () => {
    const rng = createRng(11);
    for (let i = 0; i < 1000; i++) {
      const z = rng.uniform(-745, 0);
      const exact = ddExp(z, 0) + ddLow();
      expect(Math.abs(exact - Math.exp(z)) / exact).toBeLessThan(2 ** -52);
    }
  });

  it('division is exact to double-double precision', () => {
    const qHi = ddDiv(1, 0, 3, 0);
    const qLo = ddLow();
    // 3 * (qHi + qLo) in double-double is 1 to about 2^-104
    const pHi = ddMul(qHi, qLo, 3, 0);
    const pLo = ddLow();
    expect(Math.abs(pHi - 1 + pLo)).toBeLessThan(2 ** -100);
  });
});

describe('reference rows', () => {
  it("gives SPEC's worked example softmax([2, 1, 0.1]) = [0.659001, 0.242433, 0.098566]", () => {
    const ref = referenceRow([2, 1, 0.1], 1);
    expect(Array.from(ref.pHi, (v) => Number(v.toFixed(6)))).toEqual([
      0.659001, 0.242433, 0.098566,
    ]);
  });

  it('sums to 1 to double-double precision at n = 100,000', () => {
    const rng = createRng(3);
    const row = Array.from({ length: 100_000 }, () => rng.uniform(-20, 20));
    const ref = referenceRow(row, 0.7);
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < row.length; i++) {
      hi = twoSum(hi, ref.pHi[i] as number);
      lo += ddLow() + (ref.pLo[i] as number);
    }
    expect(Math.abs(hi - 1 + lo)).toBeLessThan(1e-25);
  });

  it('is exact for the T limits it approaches: tiny T gives the argmax split, masked entries 0', () => {
    const ref = referenceRow([2, 1, Number.NEGATIVE_INFINITY, 2], 5e-324);
    expect(Array.from(ref.pHi)).toEqual([0.5, 0, 0, 0.5]);
    expect(ref.logpHi[2]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('computes x - m without overflow at the largest float64 values when T is large', () => {
    const ref = referenceRow([-Number.MAX_VALUE, Number.MAX_VALUE], 1e300);
    expect(ref.logpHi[0]).toBeCloseTo(-2 * (Number.MAX_VALUE / 1e300), 0);
    expect(ref.pHi[1]).toBe(1);
  });

  it('refuses rows that are not regular', () => {
    expect(() => referenceRow([Number.NEGATIVE_INFINITY], 1)).toThrow(/finite row max/);
    expect(() => referenceRow([1, 2], 0)).toThrow(/T > 0/);
  });
});

describe('helpers', () => {
  it('the Neumaier sum recovers what a plain sum loses', () => {
    expect(neumaierSum([1, 1e-16, -1])).toBe(1e-16);
    expect(neumaierSum([1e100, 1, -1e100])).toBe(1);
  });

  it('the seeded generator repeats its stream and differs between seeds and labels', () => {
    const a = createRng(5);
    const b = createRng(5);
    const drawn = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(drawn);
    expect(createRng(6).next()).not.toBe(drawn[0]);
    expect(seedFor(1, 'a')).not.toBe(seedFor(1, 'b'));
    for (const v of drawn) expect(v >= 0 && v < 1).toBe(true);
  });
});
