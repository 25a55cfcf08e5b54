import type { Dtype } from '@softmax-kit/core';
import type { CaseContext, CaseOutcome, ConformanceCase } from '../case.js';
import { Tracker } from '../case.js';
import type { CheckGroup } from '../report.js';
import type { Rng } from '../rng.js';

/** Both input dtypes: every backend takes both (core converts for backends lacking one). */
export const DTYPES: readonly Dtype[] = ['float32', 'float64'];

/** Builds a case whose body records into a {@link Tracker}. */
export function trackedCase(
  id: string,
  group: CheckGroup,
  title: string,
  boundDerivation: string | undefined,
  body: (context: CaseContext, t: Tracker) => Promise<void>,
): ConformanceCase {
  return {
    id,
    group,
    title,
    ...(boundDerivation === undefined ? {} : { boundDerivation }),
    async run(context: CaseContext): Promise<CaseOutcome> {
      const t = new Tracker();
      await body(context, t);
      return t.outcome();
    },
  };
}

/** A row of `n` logits uniform in [-spread, spread]. */
export function uniformRow(rng: Rng, n: number, spread: number): number[] {
  const row = new Array<number>(n);
  for (let i = 0; i < n; i++) row[i] = rng.uniform(-spread, spread);
  return row;
}

/** A row of `n` logits on the grid k/8 for integers |k| <= 8 * limit: exact in float32 and float64. */
export function gridRow(rng: Rng, n: number, limit: number): number[] {
  const row = new Array<number>(n);
  for (let i = 0; i < n; i++) row[i] = rng.int(-8 * limit, 8 * limit) / 8;
  return row;
}

/** Expects a promise to reject with a SoftmaxError of `code`; returns the error (or null). */
export async function expectCode(
  t: Tracker,
  where: string,
  promise: () => Promise<unknown>,
  code: string,
): Promise<{ code: string; message: string } | null> {
  try {
    const result = await promise();
    t.fail(`${where}: expected error ${code}, but the call resolved with ${describe(result)}`);
    return null;
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof e !== 'object' || e === null || e.code !== code) {
      t.fail(
        `${where}: expected error ${code}, got ${typeof e === 'object' && e !== null ? `${String(e.name)} ${String(e.code)}: ${String(e.message)}` : String(error)}`,
      );
      return null;
    }
    t.require(
      typeof e.message === 'string' && e.message.length > 0,
      `${where}: error ${code} has no message`,
    );
    return { code, message: String(e.message) };
  }
}

function describe(value: unknown): string {
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value;
}
