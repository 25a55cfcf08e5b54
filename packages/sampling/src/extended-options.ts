/**
 * The options SPEC v1.1 adds to sampling, read and checked once per call: one table of name,
 * default and accepted range, from which the per-row readers and the error messages come.
 *
 * @packageDocumentation
 */
import type { DryParameters } from './dry.js';
import { fail, show } from './errors.js';
import { type RowNumbers, rowLists, rowNumbers } from './row-parameters.js';
import type { SampleOptions, TokenHistory } from './types.js';

/** One number option of SPEC v1.1: its default (its "off" value) and accepted range. */
interface NumberOption {
  readonly fallback: number;
  readonly valid: (value: number) => boolean;
  readonly accepted: string;
}

const isInteger = (low: number) => (v: number) => Number.isSafeInteger(v) && v >= low;
const inUnit = (v: number) => v >= 0 && v <= 1;

/** Every number option SPEC v1.1 adds, with its default (off) and range. */
export const EXTENDED_NUMBER_OPTIONS = {
  penaltyWindow: {
    fallback: Number.POSITIVE_INFINITY,
    valid: isInteger(0),
    accepted: 'a safe integer >= 0',
  },
  dryMultiplier: {
    fallback: 0,
    valid: (v) => v >= 0 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number >= 0',
  },
  dryBase: {
    fallback: 1.75,
    valid: (v) => v >= 1 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number >= 1',
  },
  dryAllowedLength: { fallback: 2, valid: isInteger(1), accepted: 'an integer >= 1' },
  topNSigma: {
    fallback: 0,
    valid: (v) => v > 0 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number > 0',
  },
  typicalP: { fallback: 1, valid: (v) => v > 0 && v <= 1, accepted: 'a number in (0, 1]' },
  xtcThreshold: { fallback: 0.1, valid: inUnit, accepted: 'a number in [0, 1]' },
  xtcProbability: { fallback: 0, valid: inUnit, accepted: 'a number in [0, 1]' },
  minKeep: { fallback: 1, valid: isInteger(1), accepted: 'an integer >= 1' },
} as const satisfies Record<string, NumberOption>;

type ExtendedNumberName = keyof typeof EXTENDED_NUMBER_OPTIONS;

/** The v1.1 options of a call, resolved per row. */
export interface ExtendedOptions {
  readonly numbers: { readonly [K in ExtendedNumberName]: RowNumbers };
  /** DRY's parameters for a row (multiplier 0 when off). */
  readonly dry: (row: number) => DryParameters;
  /** Whether any row has DRY on (the rows then need processing). */
  readonly dryOn: boolean;
  /** Whether any option of the ranked truncation path was given. */
  readonly truncates: boolean;
}

const isSingleList = (v: unknown) =>
  ArrayBuffer.isView(v) || (Array.isArray(v) && (v.length === 0 || typeof v[0] === 'number'));

/** Breakers as a marker set of length n, each id checked (`INVALID_INPUT` naming the position). */
function breakerSet(list: TokenHistory, n: number, row: number): Uint8Array {
  const marks = new Uint8Array(n);
  const length = list.length;
  for (let position = 0; position < length; position++) {
    const token = list[position];
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= n)
      fail(
        'INVALID_INPUT',
        `dryBreakers of row ${row} has ${show(token)} at position ${position}; accepted: token ids, integers in [0, ${n})`,
      );
    marks[token] = 1;
  }
  return marks;
}

/**
 * Reads SPEC v1.1's options of a call once: every value checked (`INVALID_INPUT` naming the
 * option, and row or position), each given once or one per row.
 *
 * @example
 * ```ts
 * const read = readExtendedOptions({ typicalP: 0.9 }, 2, 100);
 * read.numbers.typicalP(1); // 0.9
 * read.numbers.minKeep(0); // 1 (off)
 * ```
 */
export function readExtendedOptions(
  options: SampleOptions,
  rows: number,
  n: number,
): ExtendedOptions {
  const numbers = {} as { [K in ExtendedNumberName]: RowNumbers };
  let truncates = false;
  for (const name of Object.keys(EXTENDED_NUMBER_OPTIONS) as ExtendedNumberName[]) {
    const option: NumberOption = EXTENDED_NUMBER_OPTIONS[name];
    const value = options[name];
    numbers[name] = rowNumbers(value, rows, name, option.fallback, option.valid, option.accepted);
    if (
      value !== undefined &&
      (name === 'topNSigma' ||
        name === 'typicalP' ||
        name === 'xtcProbability' ||
        name === 'minKeep')
    )
      truncates = true;
  }
  const breakers = rowLists<TokenHistory>(options.dryBreakers, rows, 'dryBreakers', isSingleList);
  const sets: (Uint8Array | undefined)[] = [];
  let last: TokenHistory | undefined;
  for (let row = 0; row < rows; row++) {
    const list = breakers(row);
    // One list for every row is checked and marked once.
    if (row > 0 && list === last) sets.push(sets[row - 1]);
    else sets.push(list === undefined || list.length === 0 ? undefined : breakerSet(list, n, row));
    last = list;
  }
  let dryOn = false;
  for (let row = 0; row < rows; row++) if (numbers.dryMultiplier(row) > 0) dryOn = true;
  return {
    numbers,
    dry: (row) => ({
      multiplier: numbers.dryMultiplier(row),
      base: numbers.dryBase(row),
      allowedLength: numbers.dryAllowedLength(row),
      breakers: sets[row],
    }),
    dryOn,
    truncates,
  };
}
