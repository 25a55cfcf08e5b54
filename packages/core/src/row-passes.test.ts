import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../test/reference-backend.js';
import { createSoftmax, SoftmaxError } from './index.js';
import { internalsOf } from './instances.js';
import { genericRowPasses } from './row-passes.js';

describe("a backend's row passes are read once, optional ones filled in", () => {
  it('reads each pass once; later changes to the object change nothing', async () => {
    const reads = new Map<string, number>();
    const passes: Record<string, unknown> = {};
    for (const name of ['stats', 'expSum', 'weigh', 'countAtLeast', 'gatherAtLeast'] as const)
      Object.defineProperty(passes, name, {
        get() {
          reads.set(name, (reads.get(name) ?? 0) + 1);
          return genericRowPasses[name];
        },
        configurable: true,
      });
    const backend = { ...referenceBackend(), rowPasses: passes };
    const sm = await createSoftmax(backend as unknown as ReturnType<typeof referenceBackend>);
    const bound = internalsOf(sm).rowPasses;
    expect([...reads.values()].every((count) => count === 1)).toBe(true);
    expect(reads.size).toBe(5);
    // The optional ones it left out are core's.
    expect(bound.split).toBe(genericRowPasses.split);
    expect(bound.holding).toBe(genericRowPasses.holding);
    expect(bound.ahead).toBe(genericRowPasses.ahead);
    expect(bound.ahead!(Float32Array.of(1, 2, 3, 4), 2, [null, null])).toBeNull();
    // A getter that now throws is never called again.
    Object.defineProperty(passes, 'stats', {
      get() {
        throw new Error('read again');
      },
    });
    const into = { max: 0, argmax: 0, firstNaN: 0, masked: 0, positive: 0 };
    expect(bound.stats(Float64Array.of(1, 3, 2), into).argmax).toBe(1);
    expect(Object.isFrozen(bound)).toBe(true);
    await sm.dispose();
  });

  it('reads an optional pass once too, and binds it to its object', async () => {
    let reads = 0;
    const calls: unknown[] = [];
    const passes = {
      ...genericRowPasses,
      marker: 'own',
      get ahead() {
        reads++;
        return function (this: { marker: string }, _x: unknown, n: number) {
          calls.push(this.marker, n);
          return null;
        };
      },
    };
    const backend = { ...referenceBackend(), rowPasses: passes };
    const sm = await createSoftmax(backend as unknown as ReturnType<typeof referenceBackend>);
    const bound = internalsOf(sm).rowPasses;
    expect(bound.ahead!(Float64Array.of(1, 2), 1, [null, null])).toBeNull();
    expect(bound.ahead!(Float64Array.of(1, 2), 2, [null])).toBeNull();
    expect(reads).toBe(1);
    expect(calls).toEqual(['own', 1, 'own', 2]);
    await sm.dispose();
  });

  it('refuses a pass that is not a function, optional ones included (BACKEND_ERROR)', async () => {
    for (const rowPasses of [
      { ...genericRowPasses, weigh: 3 },
      { ...genericRowPasses, split: 'fast' },
      { ...genericRowPasses, ahead: {} },
      7,
    ]) {
      const error = await createSoftmax({ ...referenceBackend(), rowPasses } as never).catch(
        (caught: unknown) => caught,
      );
      expect(SoftmaxError.isInstance(error) && error.code).toBe('BACKEND_ERROR');
    }
  });
});

describe("core's split pass", () => {
  it('writes the band and, when asked, its values (x at each band index)', () => {
    const x = Float64Array.from({ length: 9000 }, (_, i) => Math.sin(i * 0.7) * 5);
    const blocks = () => new Float64Array(Math.ceil(x.length / 4096));
    const ask = { max: 5, temperature: 1, lo: 1, hi: 3, weighted: false };
    const band = new Int32Array(x.length);
    const values = new Float64Array(x.length);
    const into = { total: 0, head: 0, headCount: 0, headWeighted: 0, band: 0 };
    const found = genericRowPasses.split(
      x,
      { ...ask, band, blocks: blocks(), headBlocks: blocks(), values },
      into,
    );
    let expected = 0;
    for (const v of x) if (v >= 1 && v < 3) expected++;
    expect(found.band).toBe(expected);
    expect(found.valued).toBe(true);
    for (let k = 0; k < found.band; k++) {
      expect(values[k]).toBe(x[band[k]!]);
      expect(values[k]! >= 1 && values[k]! < 3).toBe(true);
    }
  });
});
