/**
 * Helpers for calling the public API: one operation by name, the result's type, and expected
 * errors (a code, a SoftmaxError, the input unchanged).
 */
import {
  type Dtype,
  type FloatArray,
  type Operation,
  SoftmaxError,
  type SoftmaxOptions,
} from '@softmax-kit/core';
import type { CaseContext, Tracker } from '../case.js';

/** Calls one operation of the public API. */
export function call(
  context: CaseContext,
  operation: Operation,
  input: unknown,
  options?: SoftmaxOptions,
): Promise<FloatArray> {
  const sm = context.sm as unknown as Record<
    Operation,
    (input: unknown, options?: SoftmaxOptions) => Promise<FloatArray>
  >;
  return sm[operation](input, options);
}

/** Checks the result's type: Float32Array for float32 input, Float64Array otherwise. */
export function checkResultType(
  t: Tracker,
  where: string,
  result: unknown,
  dtype: Dtype,
  length: number,
): result is FloatArray {
  const expected = dtype === 'float32' ? Float32Array : Float64Array;
  if (!(result instanceof expected)) {
    t.fail(
      `${where}: result is ${result === null ? 'null' : typeof result === 'object' ? (result as object).constructor.name : typeof result}, expected ${expected.name}`,
    );
    return false;
  }
  if (result.length !== length) {
    t.fail(`${where}: result has length ${result.length}, expected ${length}`);
    return false;
  }
  return true;
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

/** A fresh Float32Array input and a check that its bytes are unchanged afterwards. */
function guarded(values: readonly number[]): { input: Float32Array; unchanged: () => boolean } {
  const input = Float32Array.from(values);
  const bytes = new Uint8Array(input.buffer.slice(0));
  return {
    input,
    unchanged: () => {
      const now = new Uint8Array(input.buffer);
      return now.length === bytes.length && now.every((b, i) => b === bytes[i]);
    },
  };
}

/** One expected error: a call and what it must reject with. */
export interface ExpectedError {
  readonly operation: Operation;
  /**
   * The input: a `number[]` of `values` is passed as a fresh Float32Array whose bytes are
   * checked unchanged afterwards; anything else is passed as it is.
   */
  readonly input: { readonly values: readonly number[] } | { readonly raw: unknown };
  readonly options?: unknown;
  readonly code: string;
  /** Says which input this is, in failure messages. */
  readonly label: string;
}

/** Expects `code`, a SoftmaxError (also by isInstance) with a message, and an unchanged typed input. */
export async function expectError(
  context: CaseContext,
  t: Tracker,
  expected: ExpectedError,
): Promise<void> {
  const { operation, code } = expected;
  const guard = 'values' in expected.input ? guarded(expected.input.values) : null;
  const input = guard === null ? (expected.input as { raw: unknown }).raw : guard.input;
  const label = `${operation}(${expected.label})`;
  try {
    await call(context, operation, input, expected.options as SoftmaxOptions);
    t.fail(`${label}: expected ${code}, but it resolved`);
  } catch (error) {
    t.require(
      SoftmaxError.isInstance(error),
      () => `${label}: threw a non-SoftmaxError ${String(error)}`,
    );
    const e = error as { code?: unknown; message?: unknown };
    t.require(
      e.code === code,
      () => `${label}: expected code ${code}, got ${String(e.code)}: ${String(e.message)}`,
    );
    t.require(
      typeof e.message === 'string' && e.message.length > 10,
      () => `${label}: the message says nothing`,
    );
  }
  if (guard !== null)
    t.require(guard.unchanged(), `${label}: the input buffer changed after the error`);
}
