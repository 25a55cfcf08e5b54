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

/**
 * Reads one number as people type it on a command line: decimal or exponent notation, `inf`,
 * `-inf`, `Infinity`, `nan` (any case), and the Unicode minus sign `−`. Returns `undefined` for
 * anything else (the caller names the bad token in its message).
 *
 * @example
 * ```ts
 * parseNumber('-inf'); // -Infinity
 * parseNumber('2e-3'); // 0.002
 * parseNumber('two');  // undefined
 * ```
 */
export function parseNumber(token: string): number | undefined {
  const text = token.trim().replace(/^\u2212/, '-');
  const special = SPECIAL[text.toLowerCase()];
  if (special !== undefined) return special;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

/**
 * Parses a numeric option value or throws a {@link UsageError} naming the option.
 *
 * @example
 * ```ts
 * numberOption('--temperature', '0.5', 'eval'); // 0.5
 * ```
 */
export function numberOption(option: string, value: string, command: string): number {
  const parsed = parseNumber(value);
  if (parsed === undefined || Number.isNaN(parsed)) {
    throw new UsageError(`${option} must be a number, got '${value}'`, command);
  }
  return parsed;
}
