import { UsageError } from './usage-error.js';

const SPECIAL: Record<string, number> = {
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
  nan: Number.NaN,
};

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A token read as a number, or why it is not one (a phrase that completes "'1e400' ..."). */
export type NumberReading = { value: number } | { problem: string };

/**
 * Reads one number as people type it on a command line: decimal or exponent notation, `inf`,
 * `-inf`, `Infinity`, `nan` (any case), and the Unicode minus sign `−`. A decimal beyond the
 * float64 range (`1e400`) is refused rather than read as `Infinity`: an infinity must be written
 * as one. A decimal below the smallest subnormal rounds to zero, as every float64 parser does.
 *
 * @example
 * ```ts
 * readNumber('2e-3');  // { value: 0.002 }
 * readNumber('1e400'); // { problem: 'is beyond the float64 range (about ±1.8e308); write inf or -inf for an infinity' }
 * ```
 */
export function readNumber(token: string): NumberReading {
  const text = token.trim().replace(/^\u2212/, '-');
  if (text.length === 0) return { problem: 'is empty' };
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return { value: special };
  if (!DECIMAL.test(text)) return { problem: 'is not a number' };
  const value = Number(text);
  if (!Number.isFinite(value)) {
    return {
      problem: 'is beyond the float64 range (about ±1.8e308); write inf or -inf for an infinity',
    };
  }
  return { value };
}

/**
 * {@link readNumber} without the reason: the number, or `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseNumber('-inf'); // -Infinity
 * parseNumber('two');  // undefined
 * parseNumber('1e400'); // undefined (out of range, not Infinity)
 * ```
 */
export function parseNumber(token: string): number | undefined {
  const reading = readNumber(token);
  return 'value' in reading ? reading.value : undefined;
}

/**
 * Parses a numeric option value or throws a {@link UsageError} naming the option and the reason.
 *
 * @example
 * ```ts
 * numberOption('--temperature', '0.5', 'eval'); // 0.5
 * ```
 */
export function numberOption(option: string, value: string, command: string): number {
  const reading = readNumber(value);
  if ('problem' in reading || Number.isNaN(reading.value)) {
    const why =
      'problem' in reading && reading.problem !== 'is not a number'
        ? ` (it ${reading.problem})`
        : '';
    throw new UsageError(`${option} must be a number, got '${value}'${why}`, command);
  }
  return reading.value;
}

/**
 * Parses an integer option value in `[min, max]` (default: any safe integer) or throws a
 * {@link UsageError} naming the option, the range and the value: `--top-n -5` is an error, never
 * read as 0.
 *
 * @example
 * ```ts
 * integerOption('--top-n', '20', 'sample', { min: 0 }); // 20
 * integerOption('--top-n', '-5', 'sample', { min: 0 }); // throws: --top-n must be an integer >= 0, got '-5'
 * ```
 */
export function integerOption(
  option: string,
  value: string,
  command: string,
  range: { readonly min?: number; readonly max?: number } = {},
): number {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const accepted =
    range.min !== undefined && range.max !== undefined
      ? `an integer in [${min}, ${max}]`
      : range.min !== undefined
        ? `an integer >= ${min}`
        : range.max !== undefined
          ? `an integer <= ${max}`
          : 'an integer';
  const reading = readNumber(value);
  const number = 'value' in reading ? reading.value : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max)
    throw new UsageError(`${option} must be ${accepted}, got '${value}'`, command);
  return number;
}
