import { SoftmaxError } from './errors.js';

const ACCEPTED = 'accepted: a number >= 0 (Infinity too), or one per row';

function checkOne(value: unknown, where: string): number {
  if (typeof value !== 'number') {
    throw new SoftmaxError(
      'INVALID_TEMPERATURE',
      `${where} is ${value === null ? 'null' : `a ${typeof value}`}; ${ACCEPTED}.`,
    );
  }
  if (Number.isNaN(value) || value < 0) {
    throw new SoftmaxError('INVALID_TEMPERATURE', `${where} is ${value}; ${ACCEPTED}.`);
  }
  return value;
}

/**
 * Validates the `temperature` option and writes one temperature per row into `target`
 * (length >= rows). Throws `INVALID_TEMPERATURE` naming the offending entry.
 */
export function fillTemperatures(option: unknown, rows: number, target: Float64Array): void {
  if (option === undefined) {
    target.fill(1, 0, rows);
    return;
  }
  if (typeof option === 'number' || !(Array.isArray(option) || ArrayBuffer.isView(option))) {
    target.fill(checkOne(option, 'option temperature'), 0, rows);
    return;
  }
  const list = option as ArrayLike<unknown>;
  if (list.length !== rows) {
    throw new SoftmaxError(
      'INVALID_TEMPERATURE',
      `option temperature has ${list.length} entries; expected one per row (${rows} rows) or a single number.`,
    );
  }
  for (let r = 0; r < rows; r++) target[r] = checkOne(list[r], `option temperature[${r}]`);
}
