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

  it('refuses a pass that is not a function, optional ones included (BACKEND_ERROR)', async () => {
    for (const rowPasses of [
      { ...genericRowPasses, weigh: 3 },
      { ...genericRowPasses, split: 'fast' },
      7,
    ]) {
      const error = await createSoftmax({ ...referenceBackend(), rowPasses } as never).catch(
        (caught: unknown) => caught,
      );
      expect(SoftmaxError.isInstance(error) && error.code).toBe('BACKEND_ERROR');
    }
  });
});
