import { describe, messageOf } from './describe.js';
import { SoftmaxError } from './errors.js';
import { allocate, floatDtypeOf, typedLength } from './typed-arrays.js';

const ACCEPTED = 'accepted: a number >= 0 (Infinity too), or one per row';

function checkOne(value: unknown, where: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new SoftmaxError('INVALID_TEMPERATURE', `${where} is ${describe(value)}; ${ACCEPTED}.`);
  }
  return value;
}

/**
 * Reads the `temperature` option once: a number, or a list (array, Float32Array or
 * Float64Array of any realm) copied entry by entry into a core-owned Float64Array. Throws
 * `INVALID_TEMPERATURE` naming the offending entry. The list's length is checked against the
 * number of rows later, by {@link temperaturesForRows}.
 */
export function readTemperatureOption(option: unknown): number | Float64Array {
  if (option === undefined) return 1;
  if (typeof option === 'number') return checkOne(option, 'option temperature');
  const dtype = floatDtypeOf(option);
  let list: Float64Array;
  if (dtype !== undefined) {
    const source = option as Float32Array | Float64Array;
    list = allocate('float64', typedLength(source), 'option temperature') as Float64Array;
    Float64Array.prototype.set.call(list, source as unknown as ArrayLike<number>);
    for (let r = 0; r < list.length; r++) checkOne(list[r], `option temperature[${r}]`);
    return list;
  }
  if (!Array.isArray(option)) checkOne(option, 'option temperature');
  try {
    const source = option as unknown[];
    const length = source.length;
    list = allocate('float64', length, 'option temperature') as Float64Array;
    for (let r = 0; r < length; r++) list[r] = checkOne(source[r], `option temperature[${r}]`);
  } catch (error) {
    if (SoftmaxError.isInstance(error)) throw error;
    throw new SoftmaxError(
      'INVALID_TEMPERATURE',
      `option temperature cannot be read: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return list;
}

/**
 * Writes one temperature per row into `target` (length >= rows) from a checked option. Throws
 * `INVALID_TEMPERATURE` when a list's length is not the number of rows.
 */
export function temperaturesForRows(
  option: number | Float64Array,
  rows: number,
  target: Float64Array,
): void {
  if (typeof option === 'number') {
    for (let r = 0; r < rows; r++) target[r] = option;
    return;
  }
  if (option.length !== rows) {
    throw new SoftmaxError(
      'INVALID_TEMPERATURE',
      `option temperature has ${option.length} entries; expected one per row (${rows} rows) or a single number.`,
    );
  }
  target.set(option);
}
