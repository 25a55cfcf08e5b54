import { SoftmaxError } from '@softmax-kit/core';
import {
  describe,
  type FloatArray,
  messageOf,
  parseInput,
  typedArrayName,
  typedLength,
} from '@softmax-kit/core/internal';
import { fail } from './errors.js';
import { OPTIONS, type OptionSpec } from './options.js';
import type { SampleOptions, SamplerInput } from './types.js';

/** Names of the options read as numbers (once or per row). */
export type NumberOption = Exclude<
  {
    [K in keyof SampleOptions]-?: NonNullable<SampleOptions[K]> extends number | ArrayLike<number>
      ? K
      : never;
  }[keyof SampleOptions],
  'shape' | 'seed'
>;

/** A bias for one row, checked: dense (length n) or sparse (ids and values). */
export type RowBias =
  | { readonly dense: Float64Array }
  | { readonly ids: Int32Array; readonly values: Float64Array };

/** A token list for one row, checked: a 0/1 mask of length n, or ids in [0, n). */
export type RowTokens = { readonly mask: Uint8Array } | { readonly ids: Int32Array };

/**
 * Everything a call needs, read from the caller's input and options exactly once, checked, and
 * frozen before any work: nothing the caller does afterwards (getters, proxies, changing or
 * shrinking its arrays) changes the result.
 */
export interface Plan {
  readonly rows: number;
  readonly n: number;
  /** The logits, flat row-major: the caller's array (sync calls, nothing writes it) or a copy. */
  readonly logits: FloatArray;
  /** The option's value for a row (its fallback when omitted). */
  number(name: NumberOption, row: number): number;
  /** True when the flag option was `true`. */
  flag(name: 'entropy' | 'rawLogprobs' | 'q'): boolean;
  bias(row: number): RowBias | undefined;
  tokens(name: 'allowed' | 'history' | 'dryBreakers', row: number): RowTokens | undefined;
  /** Per-row seeds (each row its own stream), or null: one seed for every row. */
  readonly seeds: Float64Array | null;
  /** The one seed (when `seeds` is null). */
  readonly seed: number;
}

/** Most draws one call may ask for, over all rows (the result arrays must be allocatable). */
export const MAX_DRAWS = 2 ** 30;

/** Reads `options[name]` once; a throwing getter or proxy trap is `INVALID_INPUT` naming it. */
function readOnce(options: object, name: string): unknown {
  try {
    return (options as Record<string, unknown>)[name];
  } catch (error) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `sample: reading option ${name} threw: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** An array's elements, each read once (a throwing element getter is `INVALID_INPUT`). */
function elements(list: readonly unknown[], what: string): unknown[] {
  try {
    const length = list.length;
    if (!Number.isSafeInteger(length) || length < 0 || length > 2 ** 32)
      fail('INVALID_INPUT', `${what} has length ${describe(length)}`);
    const copy = new Array<unknown>(length);
    for (let i = 0; i < length; i++) copy[i] = list[i];
    return copy;
  } catch (error) {
    if (SoftmaxError.isInstance(error)) throw error;
    throw new SoftmaxError('INVALID_INPUT', `sample: reading ${what} threw: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

const isArray = (value: unknown): value is readonly unknown[] => {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
};

const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const mapEntries = Map.prototype.entries;
/** True for a Map of any realm (its internal slot, not its prototype). */
function isMap(value: unknown): value is ReadonlyMap<unknown, unknown> {
  try {
    mapSize.call(value);
    return true;
  } catch {
    return false;
  }
}

/** A copy of a typed array of any realm as plain numbers (read through the intrinsic getters). */
function typedElements(value: ArrayBufferView): number[] {
  const length = typedLength(value as FloatArray);
  const copy = new Array<number>(length);
  const view = value as unknown as ArrayLike<number>;
  for (let i = 0; i < length; i++) copy[i] = view[i]!;
  return copy;
}

/** One list-valued option for one row, copied and not yet checked against n. */
type RawList =
  | { readonly kind: 'list'; readonly values: unknown[] }
  | { readonly kind: 'mask'; readonly values: number[] }
  | { readonly kind: 'map'; readonly entries: [unknown, unknown][] };

function rawList(value: unknown, spec: OptionSpec, where: string): RawList | undefined {
  const name = typedArrayName(value);
  if (name === 'Uint8Array' && spec.kind === 'tokens')
    return { kind: 'mask', values: typedElements(value as ArrayBufferView) };
  if (name !== undefined) return { kind: 'list', values: typedElements(value as ArrayBufferView) };
  if (spec.kind === 'bias' && isMap(value)) {
    try {
      return { kind: 'map', entries: [...mapEntries.call(value)] as [unknown, unknown][] };
    } catch (error) {
      throw new SoftmaxError(
        'INVALID_INPUT',
        `sample: reading ${where} threw: ${messageOf(error)}`,
        {
          cause: error,
        },
      );
    }
  }
  if (isArray(value)) return { kind: 'list', values: elements(value, where) };
  return undefined;
}

/** A list option: one list for every row, or one per row (an array of lists). */
function readLists(value: unknown, spec: OptionSpec): RawList | (RawList | undefined)[] {
  const single = rawList(value, spec, spec.name);
  if (single === undefined)
    fail(
      'INVALID_INPUT',
      `${spec.name} is ${describe(value)}; accepted: ${spec.accepted}, or one per row`,
    );
  if (single.kind !== 'list' || single.values.length === 0) return single;
  const first = single.values[0];
  if (typeof first === 'number') return single;
  // An array whose elements are lists: one per row.
  return single.values.map((item, row) => {
    if (item === undefined) return undefined;
    const list = rawList(item, spec, `${spec.name}[${row}]`);
    if (list === undefined)
      fail(
        'INVALID_INPUT',
        `${spec.name}[${row}] (row ${row}) is ${describe(item)}; accepted: ${spec.accepted}`,
      );
    return list;
  });
}

function checkIds(raw: RawList, n: number, what: string): Int32Array {
  if (raw.kind === 'map') fail('INVALID_INPUT', `${what} is a Map; accepted: token ids`);
  const ids = new Int32Array(raw.values.length);
  for (let i = 0; i < raw.values.length; i++) {
    const id = raw.values[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= n)
      fail(
        'INVALID_INPUT',
        `${what} has ${describe(id)} at position ${i}; accepted: token ids, integers in [0, ${n})`,
      );
    ids[i] = id;
  }
  return ids;
}

function checkTokens(raw: RawList, n: number, what: string, spec: OptionSpec): RowTokens {
  if (raw.kind === 'mask' && spec.name === 'allowed') {
    if (raw.values.length !== n)
      fail('INVALID_INPUT', `${what} mask has length ${raw.values.length}; accepted: length ${n}`);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const flag = raw.values[i]!;
      if (flag !== 0 && flag !== 1)
        fail('INVALID_INPUT', `${what} mask is ${flag} at token ${i}; accepted: 0 or 1`);
      mask[i] = flag;
    }
    return { mask };
  }
  const list: RawList = raw.kind === 'mask' ? { kind: 'list', values: raw.values } : raw;
  return { ids: checkIds(list, n, what) };
}

function checkBiasValue(value: unknown, what: string, token: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value === Number.POSITIVE_INFINITY)
    fail(
      'INVALID_INPUT',
      `${what} at token ${describe(token)} is ${describe(value)}; accepted: a finite number or -Infinity`,
    );
  return value;
}

function checkBias(raw: RawList, n: number, what: string): RowBias {
  if (raw.kind === 'map') {
    const ids = new Int32Array(raw.entries.length);
    const values = new Float64Array(raw.entries.length);
    raw.entries.forEach(([token, value], k) => {
      if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= n)
        fail(
          'INVALID_INPUT',
          `${what} has token id ${describe(token)}; accepted: integers in [0, ${n})`,
        );
      ids[k] = token;
      values[k] = checkBiasValue(value, what, token);
    });
    return { ids, values };
  }
  if (raw.values.length !== n)
    fail(
      'INVALID_INPUT',
      `${what} has length ${raw.values.length}; accepted: length ${n} (the row) or a Map`,
    );
  const dense = new Float64Array(n);
  for (let i = 0; i < n; i++) dense[i] = checkBiasValue(raw.values[i], what, i);
  return { dense };
}

/** A number option: one value, or one per row (array or typed array of any realm). */
function readNumbers(value: unknown, spec: OptionSpec, rows: number): number | Float64Array {
  if (typeof value === 'number') {
    if (!spec.check(value))
      fail(spec.code, `${spec.name} is ${describe(value)}; accepted: ${spec.accepted}`);
    return value;
  }
  const list =
    typedArrayName(value) !== undefined
      ? typedElements(value as ArrayBufferView)
      : isArray(value)
        ? elements(value, spec.name)
        : undefined;
  if (list === undefined)
    fail(
      spec.code,
      `${spec.name} is ${describe(value)}; accepted: ${spec.accepted}, or one per row`,
    );
  if (list.length !== rows)
    fail(
      'INVALID_INPUT',
      `${spec.name} has ${list.length} values for ${rows} rows; give one value or one per row`,
    );
  const values = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    const v = list[row];
    if (typeof v !== 'number' || !spec.check(v))
      fail(
        spec.code,
        `${spec.name}[${row}] (row ${row}) is ${describe(v)}; accepted: ${spec.accepted}`,
      );
    values[row] = v;
  }
  return values;
}

function drawSeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[0]! & 0x1fffff) * 4294967296 + words[1]!; // 53 random bits: a safe integer
}

/** Rows and row length of the parsed logits: one row, or `[rows, n]`. */
function rowsOf(shape: readonly number[]): [number, number] {
  if (shape.length === 1) {
    if (shape[0] === 0)
      fail('EMPTY_AXIS', 'the logits row is empty; a row needs at least one token');
    return [1, shape[0]!];
  }
  if (shape.length !== 2)
    fail(
      'INVALID_INPUT',
      `logits have shape [${shape.join(', ')}]; accepted: one row, or [rows, n]`,
    );
  const [rows, n] = shape as [number, number];
  if (n === 0 && rows > 0) fail('EMPTY_AXIS', 'rows of length 0; a row needs at least one token');
  return [rows, n];
}

/**
 * Reads a call: every option of {@link OPTIONS} (and `shape`) exactly once, then the logits
 * with core's input reader, then checks everything against the row length. `snapshot`: copy
 * the caller's typed array (asynchronous calls), so that changing it later changes nothing.
 */
export function readPlan(input: SamplerInput, options: unknown, snapshot: boolean): Plan {
  if (typeof options !== 'object' || options === null)
    fail('INVALID_INPUT', `options are ${describe(options)}; accepted: an object`);
  const given = new Map<string, unknown>();
  const shape = readOnce(options, 'shape');
  for (const spec of OPTIONS) given.set(spec.name, readOnce(options, spec.name));
  // Options are read; no user code runs from here on (the input is read through intrinsics).
  let shapeOption: number[] | undefined;
  if (shape !== undefined) {
    if (!isArray(shape)) fail('INVALID_INPUT', `shape is ${describe(shape)}; accepted: [rows, n]`);
    const dims = elements(shape, 'shape');
    if (
      dims.length !== 2 ||
      dims.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
    )
      fail(
        'INVALID_INPUT',
        `shape is [${dims.map(describe).join(', ')}]; accepted: [rows, n], integers >= 0`,
      );
    shapeOption = dims as number[];
  }
  // Lists are copied before the logits are parsed (their getters are user code too).
  const lists = new Map<string, RawList | (RawList | undefined)[]>();
  for (const spec of OPTIONS) {
    const value = given.get(spec.name);
    if (value !== undefined && (spec.kind === 'tokens' || spec.kind === 'bias'))
      lists.set(spec.name, readLists(value, spec));
  }
  const parsed = parseInput(input, shapeOption);
  const [rows, n] = rowsOf(parsed.shape);
  const logits = snapshot && parsed.callerOwned ? parsed.data.slice(0, rows * n) : parsed.data;

  const numbers = new Map<string, number | Float64Array>();
  const flags = new Set<string>();
  const rowLists = new Map<string, (RowBias | RowTokens | undefined)[]>();
  let seeds: Float64Array | null = null;
  let seed = 0;
  for (const spec of OPTIONS) {
    const value = given.get(spec.name);
    switch (spec.kind) {
      case 'number':
      case 'integer':
        numbers.set(
          spec.name,
          value === undefined ? spec.fallback : readNumbers(value, spec, rows),
        );
        break;
      case 'flag':
        if (value === true) flags.add(spec.name);
        break;
      case 'seed':
        if (value === undefined) seed = drawSeed();
        else {
          const read = readNumbers(value, spec, rows);
          if (typeof read === 'number') seed = read;
          else seeds = read;
        }
        break;
      case 'bias':
      case 'tokens': {
        const raw = lists.get(spec.name);
        if (raw === undefined) break;
        const perRow = Array.isArray(raw);
        if (perRow && raw.length !== rows)
          fail(
            'INVALID_INPUT',
            `${spec.name} has ${raw.length} lists for ${rows} rows; give one or one per row`,
          );
        const checked: (RowBias | RowTokens | undefined)[] = [];
        for (let row = 0; row < (perRow ? rows : Math.min(rows, 1)); row++) {
          const item = perRow ? raw[row] : raw;
          const what = perRow ? `${spec.name} of row ${row}` : spec.name;
          checked.push(
            item === undefined
              ? undefined
              : spec.kind === 'bias'
                ? checkBias(item, n, what)
                : checkTokens(item, n, what, spec),
          );
        }
        rowLists.set(
          spec.name,
          perRow ? checked : checked.length === 0 ? [] : new Array(rows).fill(checked[0]),
        );
        break;
      }
    }
  }
  const numberAt = (name: NumberOption, row: number): number => {
    const value = numbers.get(name)!;
    return typeof value === 'number' ? value : value[row]!;
  };
  let totalDraws = 0;
  for (let row = 0; row < rows; row++) {
    const draws = numberAt('draws', row);
    const step = numberAt('step', row);
    totalDraws += draws;
    if (totalDraws > MAX_DRAWS)
      fail(
        'INVALID_INPUT',
        `draws is ${draws} at row ${row}; accepted: at most ${MAX_DRAWS} draws per call in total`,
      );
    if (draws > 0 && !Number.isSafeInteger(step + (draws - 1)))
      fail(
        'INVALID_INPUT',
        `row ${row}: step + draws - 1 (the last step used) is beyond 2^53 - 1; accepted: a safe integer`,
      );
  }
  return Object.freeze({
    rows,
    n,
    logits,
    number: numberAt,
    flag: (name: string) => flags.has(name),
    bias: (row: number) => rowLists.get('bias')?.[row] as RowBias | undefined,
    tokens: (name: string, row: number) => rowLists.get(name)?.[row] as RowTokens | undefined,
    seeds,
    seed,
  });
}
