/**
 * Stable error codes. A code never changes meaning between versions; new codes may be added.
 * SPEC's codes, plus `BACKEND_ERROR`: a backend's kernel failed while computing (the original
 * error is the `cause`).
 */
export const ERROR_CODES = [
  'INVALID_TEMPERATURE',
  'NAN_INPUT',
  'ALL_MASKED',
  'EMPTY_AXIS',
  'SHAPE_MISMATCH',
  'INVALID_AXIS',
  'INVALID_INPUT',
  'UNSUPPORTED_DTYPE',
  'BACKEND_UNAVAILABLE',
  'BACKEND_IN_USE',
  'BACKEND_ERROR',
  'DISPOSED',
] as const;

/** One of {@link ERROR_CODES}. */
export type SoftmaxErrorCode = (typeof ERROR_CODES)[number];

const MARKER = Symbol.for('@softmax-kit/core/SoftmaxError');

/**
 * The one error class of softmax-kit. Every failure of the library is a `SoftmaxError` with a
 * stable {@link SoftmaxErrorCode} in `code`, a message that says what was wrong, where (row,
 * column, option) and what is accepted, and the underlying error (if any) in `cause`.
 *
 * It extends `RangeError` because SPEC asks for a RangeError-class error on a bad temperature;
 * code that catches `RangeError` keeps working, code that wants precision reads `code`.
 *
 * @example
 * ```ts
 * try {
 *   await sm.softmax([1, Number.NaN]);
 * } catch (error) {
 *   if (SoftmaxError.isInstance(error) && error.code === 'NAN_INPUT') console.log(error.message);
 * }
 * ```
 */
export class SoftmaxError extends RangeError {
  /** The stable error code. */
  readonly code: SoftmaxErrorCode;
  /** Marks instances so {@link SoftmaxError.isInstance} works across duplicate installs. */
  readonly [MARKER] = true;

  constructor(code: SoftmaxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SoftmaxError';
    this.code = code;
  }

  /**
   * True for any `SoftmaxError`, also one thrown by another copy of `@softmax-kit/core`
   * (where `instanceof` would say false).
   */
  static isInstance(value: unknown): value is SoftmaxError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[MARKER] === true &&
      typeof (value as { code?: unknown }).code === 'string'
    );
  }
}
