/**
 * The vitest suite that runs every fuzz category (10,000 inputs with fixed seeds) on one backend
 * through the public API: a backend's fuzz test file is a call of {@link describeFuzz}. Core is
 * passed in (tools/ sits outside every package, so it does not import it).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { FLOAT32, FLOAT64, FUZZ_CATEGORIES, type FuzzSoftmax, runCategory } from './adversarial.js';

export interface FuzzTarget {
  /** The suite's title, e.g. `'tsBackend'`. */
  readonly title: string;
  /** The backend object (its `doResourceCount` must not grow over any input). */
  readonly backend: { doResourceCount?: () => number };
  /** `createSoftmax(backend)`. */
  readonly open: () => Promise<{ dispose(): Promise<void> }>;
  /** `SoftmaxError.isInstance` of the core under test. */
  readonly isSoftmaxError: (error: unknown) => boolean;
  /** The declared compute precision of float64 input (float32 input is float32 everywhere here). */
  readonly float64Compute: 'float32' | 'float64';
  /** True to call the `*Sync` methods. */
  readonly sync: boolean;
}

/** Registers one test per fuzz category for the target backend. */
export function describeFuzz(target: FuzzTarget): void {
  describe(`adversarial fuzz of the public API on ${target.title}`, () => {
    let sm: { dispose(): Promise<void> };
    beforeAll(async () => {
      sm = await target.open();
    });
    afterAll(async () => {
      await sm.dispose();
    });
    it.each(FUZZ_CATEGORIES.map((category) => [category.name, category] as const))(
      '%s: a correct result or a SoftmaxError, input unchanged, nothing left behind',
      async (_name, category) => {
        await runCategory(category, {
          sm: sm as unknown as FuzzSoftmax,
          isSoftmaxError: target.isSoftmaxError,
          resourceCount: () => target.backend.doResourceCount?.() ?? 0,
          precision: {
            float32: FLOAT32,
            float64: target.float64Compute === 'float64' ? FLOAT64 : FLOAT32,
          },
          sync: target.sync,
        });
      },
    );
  });
}
