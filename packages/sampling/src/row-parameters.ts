import { fail, isListLike, show } from './errors.js';
import type { PerRowNumber } from './types.js';

/** A number parameter resolved for every row, validated once per call. */
export type RowNumbers = (row: number) => number;

/**
 * Resolves a scalar-or-per-row number option into one value per row, checking each with
 * `valid` (a description of what is accepted goes into the error). The result is read once.
 */
export function rowNumbers(
  value: PerRowNumber | undefined,
  rows: number,
  name: string,
  fallback: number,
  valid: (v: number) => boolean,
  accepted: string,
  code: 'INVALID_INPUT' | 'INVALID_TEMPERATURE' = 'INVALID_INPUT',
): RowNumbers {
  if (value === undefined) return () => fallback;
  if (typeof value === 'number') {
    if (!valid(value)) fail(code, `${name} is ${show(value)}; accepted: ${accepted}`);
    return () => value;
  }
  if (!isListLike(value))
    fail(code, `${name} is ${show(value)}; accepted: a number or one per row (${accepted})`);
  if (value.length !== rows)
    fail(
      'INVALID_INPUT',
      `${name} has ${value.length} values for ${rows} rows; give one number or one per row`,
    );
  const values = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const v = value[row];
    if (typeof v !== 'number' || !valid(v))
      fail(code, `${name}[${row}] (row ${row}) is ${show(v)}; accepted: ${accepted}`);
    values[row] = v;
  }
  return (row) => values[row]!;
}

/**
 * Resolves a scalar-or-per-row option whose single value is itself a list (bias, allowed,
 * history): an array whose first element is a list, or a map, is per row.
 */
export function rowLists<T>(
  value: T | readonly T[] | undefined,
  rows: number,
  name: string,
  isSingle: (v: unknown) => boolean,
): (row: number) => T | undefined {
  if (value === undefined) return () => undefined;
  if (isSingle(value)) return () => value as T;
  if (!Array.isArray(value))
    fail('INVALID_INPUT', `${name} is ${show(value)}; accepted: one list, or one list per row`);
  if (value.length !== rows)
    fail(
      'INVALID_INPUT',
      `${name} has ${value.length} lists for ${rows} rows; give one or one per row`,
    );
  const copy = value.slice() as T[];
  for (let row = 0; row < rows; row++)
    if (copy[row] !== undefined && !isSingle(copy[row]))
      fail('INVALID_INPUT', `${name}[${row}] (row ${row}) is ${show(copy[row])}; accepted: a list`);
  return (row) => copy[row];
}
