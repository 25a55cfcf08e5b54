/**
 * Adversarial fuzzing of softmax-kit's public API (issue 8, section 4), shared by every backend's
 * fuzz test (`packages/backend-ts/src/fuzz.test.ts`, `packages/backend-tfjs/test/fuzz.test.ts`).
 *
 * Each case is a plain-data *recipe* (so fast-check can print and shrink it) for one call of the
 * public API with an input or options a hostile or careless caller could pass: cyclic and very
 * deep arrays, holes, proxies, throwing getters, BigInts, null-prototype objects, typed arrays of
 * another realm, detached and resizable buffers, huge shapes, subarray views, options and input
 * changed after an asynchronous call started. SPEC's rule for all of them: a correct result
 * (checked against the float64 model of `model.ts`) or a `SoftmaxError` with a code, never
 * another exception; the input unchanged unless it is `out`; no tensors left behind.
 *
 * This module imports neither core nor a backend: the test passes them in ({@link FuzzSubject}).
 */
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import {
  type Expectation,
  entryMatches,
  FLOAT32,
  FLOAT64,
  type LogicalCall,
  model,
  type Operation,
  type Precision,
} from './model.js';

export { FLOAT32, FLOAT64, model } from './model.js';

/** The public API under test, as the fuzz sees it (a `createSoftmax` instance). */
export interface FuzzSoftmax {
  softmax(input: unknown, options?: unknown): Promise<Float32Array | Float64Array>;
  logSoftmax(input: unknown, options?: unknown): Promise<Float32Array | Float64Array>;
  logSumExp(input: unknown, options?: unknown): Promise<Float32Array | Float64Array>;
  softmaxSync?(input: unknown, options?: unknown): Float32Array | Float64Array;
  logSoftmaxSync?(input: unknown, options?: unknown): Float32Array | Float64Array;
  logSumExpSync?(input: unknown, options?: unknown): Float32Array | Float64Array;
}

/** What a backend's fuzz test hands over. */
export interface FuzzSubject {
  readonly sm: FuzzSoftmax;
  /** `SoftmaxError.isInstance`. */
  readonly isSoftmaxError: (error: unknown) => boolean;
  /** The backend's `doResourceCount` (live tensors), if it has one. */
  readonly resourceCount?: () => number;
  /** Compute precision for float32 and for float64 input (the backend's capabilities). */
  readonly precision: { readonly float32: Precision; readonly float64: Precision };
  /** Whether the `*Sync` methods may be used. */
  readonly sync: boolean;
}

// ---------------------------------------------------------------------------------------------
// Recipes

/** How the logits reach the call. */
export type Container =
  | 'array'
  | 'nested'
  | 'float32'
  | 'float64'
  | 'float32-subarray'
  | 'float64-subarray'
  | 'float32-other-realm'
  | 'float64-other-realm'
  | 'array-proxy'
  | 'float32-proxy'
  | 'float32-resizable'
  | 'float32-own-length'
  | 'null-prototype-options';

/** A valid-looking call: data, shape and options SPEC defines, in one of the containers above. */
export interface DataRecipe {
  readonly category: 'data';
  readonly container: Container;
  readonly operation: Operation;
  readonly values: readonly number[];
  readonly shape: readonly number[];
  /** Pass `shape` explicitly (flat containers). */
  readonly passShape: boolean;
  readonly axis: number | undefined;
  readonly temperature: number | readonly number[] | undefined;
  readonly allMasked: 'error' | 'zeros' | 'nan' | undefined;
  readonly nan: 'error' | 'propagate' | undefined;
  /** `out`: none, a fresh buffer, a subarray view of a larger buffer, or the input (in place). */
  readonly out: 'none' | 'fresh' | 'view' | 'in-place';
  readonly sync: boolean;
}

/** Things done to a valid call while or after it is made. */
export type Mischief =
  | 'mutate-options-after-call'
  | 'mutate-input-after-call'
  | 'getter-resizes-buffer'
  | 'getter-detaches-buffer'
  | 'detached-before-call'
  | 'getter-reenters';

export interface MischiefRecipe {
  readonly category: 'mischief';
  readonly mischief: Mischief;
  readonly base: DataRecipe;
}

/** Inputs or options that no correct result exists for, or that SPEC lets a backend refuse. */
export type Hostile =
  | 'cyclic-array'
  | 'cyclic-nested'
  | 'deep-nesting'
  | 'holes'
  | 'throwing-element-getter'
  | 'throwing-option-getter'
  | 'bigint-option'
  | 'bigint-element'
  | 'bigint64-array'
  | 'null-prototype-out'
  | 'null-prototype-axis'
  | 'null-prototype-shape-entry'
  | 'huge-empty-shape'
  | 'huge-shape'
  | 'huge-sparse-array'
  | 'huge-nested-sparse'
  | 'throwing-proxy'
  | 'revoked-proxy'
  | 'symbol-option'
  | 'wrong-out';

export interface HostileRecipe {
  readonly category: 'hostile';
  readonly hostile: Hostile;
  readonly operation: Operation;
  /** Which option or position the hostile value sits in (for the ones with a choice). */
  readonly variant: number;
  readonly sync: boolean;
}

export type Recipe = DataRecipe | MischiefRecipe | HostileRecipe;

// ---------------------------------------------------------------------------------------------
// Generators

const special = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  3.4e38,
  -3.4e38,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  5e-324,
  -0,
  1e30,
  -1e4,
);
const logit = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -60, max: 60, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 1, arbitrary: special },
);
const temperatureValue = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: 0.05, max: 20, noNaN: true }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(1, 0, Number.POSITIVE_INFINITY, 5e-324, 1e-30, 1e-45, 1e30, 1e300),
  },
  { weight: 1, arbitrary: fc.constantFrom(-1, Number.NaN, -0) },
);
const operation = fc.constantFrom<Operation>('softmax', 'logSoftmax', 'logSumExp');

const shapeArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant<number[]>([]) },
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 0, max: 9 })).map((s) => [...s]) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 7 }))
      .map((s) => [...s]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
      )
      .map((s) => [...s]),
  },
);

const FLAT_CONTAINERS: readonly Container[] = [
  'array',
  'float32',
  'float64',
  'float32-subarray',
  'float64-subarray',
  'float32-other-realm',
  'float64-other-realm',
  'array-proxy',
  'float32-proxy',
  'float32-resizable',
  'float32-own-length',
  'null-prototype-options',
];

/** Rows of the shape along `axis` (product of the other dimensions); 1 at rank 0. */
function rowCount(shape: readonly number[], axis: number | undefined): number {
  if (shape.length === 0) return 1;
  const a = axis === undefined ? shape.length - 1 : axis < 0 ? axis + shape.length : axis;
  let rows = 1;
  shape.forEach((d, i) => {
    if (i !== a) rows *= d;
  });
  return rows;
}

/** A valid-looking call; `containers` restricts where the data lives. */
export function dataRecipe(containers: readonly Container[] = [...FLAT_CONTAINERS, 'nested']) {
  return fc
    .record({
      container: fc.constantFrom(...containers),
      operation,
      shape: shapeArb,
      axisChoice: fc.oneof(
        { weight: 4, arbitrary: fc.constant<number | undefined>(undefined) },
        { weight: 3, arbitrary: fc.integer({ min: -3, max: 2 }) },
        { weight: 1, arbitrary: fc.constantFrom<number | undefined>(0.5, 7) },
      ),
      pool: fc.array(logit, { minLength: 40, maxLength: 40 }),
      temperatureKind: fc.constantFrom('none', 'scalar', 'scalar', 'per-row', 'per-row-wrong'),
      temperatureValues: fc.array(temperatureValue, { minLength: 13, maxLength: 13 }),
      allMasked: fc.constantFrom<'error' | 'zeros' | 'nan' | undefined>(
        undefined,
        'error',
        'zeros',
        'nan',
      ),
      nan: fc.constantFrom<'error' | 'propagate' | undefined>(undefined, 'error', 'propagate'),
      out: fc.constantFrom<'none' | 'fresh' | 'view' | 'in-place'>(
        'none',
        'none',
        'fresh',
        'view',
        'in-place',
      ),
      sync: fc.boolean(),
    })
    .map((r): DataRecipe => {
      const container = r.container;
      // Nested arrays carry their own shape: rank >= 1, and nothing below a length-0 level
      // (`[]` is shape [0] whatever was meant).
      let shape = container === 'nested' && r.shape.length === 0 ? [r.pool.length % 5] : r.shape;
      if (container === 'nested' && shape.includes(0)) shape = shape.slice(0, shape.indexOf(0) + 1);
      const length = shape.reduce((a, b) => a * b, 1);
      const values = r.pool.slice(0, length);
      while (values.length < length) values.push(0);
      const axis = r.axisChoice;
      const rows = rowCount(shape, Number.isInteger(axis) ? axis : undefined);
      const temperature =
        r.temperatureKind === 'none' || r.operation === 'logSumExp'
          ? undefined
          : r.temperatureKind === 'scalar'
            ? r.temperatureValues[0]
            : r.temperatureValues.slice(
                0,
                r.temperatureKind === 'per-row' ? Math.min(rows, 13) : (rows + 1) % 13,
              );
      return {
        category: 'data',
        container,
        operation: r.operation,
        values,
        shape,
        passShape: container !== 'nested',
        axis,
        temperature,
        allMasked: r.operation === 'logSumExp' ? undefined : r.allMasked,
        nan: r.nan,
        out: r.out,
        sync: r.sync,
      };
    });
}

const MISCHIEFS: readonly Mischief[] = [
  'mutate-options-after-call',
  'mutate-input-after-call',
  'getter-resizes-buffer',
  'getter-detaches-buffer',
  'detached-before-call',
  'getter-reenters',
];

/** A call with one kind of mischief done to it (`mischief` fixed, or any). */
export function mischiefRecipe(only?: Mischief): fc.Arbitrary<MischiefRecipe> {
  return fc
    .record({
      mischief: only === undefined ? fc.constantFrom(...MISCHIEFS) : fc.constant(only),
      base: dataRecipe(['float32', 'float64', 'array']),
    })
    .map(
      ({ mischief, base }): MischiefRecipe => ({
        category: 'mischief',
        mischief,
        // Buffer tricks need a float32 buffer; the async ones an async call.
        base: {
          ...base,
          container:
            mischief === 'getter-resizes-buffer' || mischief === 'getter-detaches-buffer'
              ? 'float32-resizable'
              : mischief === 'detached-before-call'
                ? 'float32'
                : base.container,
          out: 'none',
          sync: mischief === 'getter-reenters' ? base.sync : false,
        },
      }),
    );
}

export const HOSTILE: readonly Hostile[] = [
  'cyclic-array',
  'cyclic-nested',
  'deep-nesting',
  'holes',
  'throwing-element-getter',
  'throwing-option-getter',
  'bigint-option',
  'bigint-element',
  'bigint64-array',
  'null-prototype-out',
  'null-prototype-axis',
  'null-prototype-shape-entry',
  'huge-empty-shape',
  'huge-shape',
  'huge-sparse-array',
  'huge-nested-sparse',
  'throwing-proxy',
  'revoked-proxy',
  'symbol-option',
  'wrong-out',
];

export function hostileRecipe(kinds: readonly Hostile[] = HOSTILE) {
  return fc
    .record({
      hostile: fc.constantFrom(...kinds),
      operation,
      variant: fc.integer({ min: 0, max: 5 }),
      sync: fc.boolean(),
    })
    .map((r): HostileRecipe => ({ category: 'hostile', ...r }));
}

/** Every category, weighted so that each kind of trouble gets a fair share of the runs. */
export const anyRecipe: fc.Arbitrary<Recipe> = fc.oneof(
  { weight: 5, arbitrary: dataRecipe() },
  { weight: 2, arbitrary: mischiefRecipe() },
  { weight: 3, arbitrary: hostileRecipe() },
);

// ---------------------------------------------------------------------------------------------
// Building the live call from a recipe

/** A live call: what to pass, what SPEC allows back, and what to check afterwards. */
interface LiveCall {
  input: unknown;
  options: Record<string, unknown> | undefined;
  /** The results SPEC allows (any one), or only an error. */
  expectations: Expectation[];
  /** The dtype a result must have (`either`: a typed-array proxy may be read as an array). */
  dtype: 'float32' | 'float64' | 'either';
  precision: Precision;
  /** Called right after the call returned (its promise not yet awaited). */
  after?: () => void;
  /** The buffer (all of it) whose bytes must not change, except inside `outRange`. */
  watchedBuffer?: ArrayBufferLike;
  /** Bytes of `watchedBuffer` that `out` covers (they hold the result). */
  outRange?: [number, number];
  /** A plain array whose elements must not change. */
  watchedArray?: unknown[];
  /** The expected identity of the result (the `out` buffer). */
  out?: Float32Array | Float64Array;
  /** The whole buffer an `out` view sits in: its bytes outside `outRange` must not change. */
  outBacking?: ArrayBufferLike;
  /** Settles when anything the case started besides the call (a re-entrant call) is done. */
  settle?: Promise<unknown>;
}

/** ES2024's resizable ArrayBuffer (Node 20 has it; this project's TypeScript lib is ES2022). */
interface ResizableBuffer extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => ResizableBuffer;

const otherRealm = (kind: 'Float32Array' | 'Float64Array', values: readonly number[]) =>
  runInNewContext(`new ${kind}(values)`, { values: Array.from(values) }) as Float32Array;

function nested(values: readonly number[], shape: readonly number[]): unknown {
  if (shape.length <= 1) return Array.from(values);
  const [first, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first as number }, (_, i) =>
    nested(values.slice(i * size, (i + 1) * size), rest),
  );
}

function logical(recipe: DataRecipe, values: ArrayLike<number>): LogicalCall {
  return {
    operation: recipe.operation,
    values,
    shape: recipe.shape,
    axis: recipe.axis,
    temperature: recipe.temperature,
    allMasked: recipe.allMasked,
    nan: recipe.nan,
  };
}

function expectationsFor(recipe: DataRecipe, values: ArrayLike<number>, precision: Precision) {
  return model(logical(recipe, values), precision);
}

/** Options object of a data recipe (a fresh plain object each time). */
function optionsOf(recipe: DataRecipe): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (recipe.passShape) options.shape = [...recipe.shape];
  if (recipe.axis !== undefined) options.axis = recipe.axis;
  if (recipe.temperature !== undefined) {
    options.temperature =
      typeof recipe.temperature === 'number' ? recipe.temperature : [...recipe.temperature];
  }
  if (recipe.allMasked !== undefined) options.allMasked = recipe.allMasked;
  if (recipe.nan !== undefined) options.nan = recipe.nan;
  return options;
}

function outLength(recipe: DataRecipe): number {
  const expectation = expectationsFor(recipe, recipe.values, FLOAT64);
  if (expectation.kind === 'result') return expectation.values.length;
  if (expectation.kind === 'open') return expectation.length;
  return recipe.operation === 'logSumExp' ? 1 : recipe.values.length;
}

function buildData(recipe: DataRecipe, subject: FuzzSubject): LiveCall {
  const { container, values } = recipe;
  const float32 = container.startsWith('float32');
  const dtype = float32 ? 'float32' : 'float64';
  const precision = subject.precision[dtype];
  // The model reads the values as the call will see them (float32-rounded for float32 input).
  const seen = float32 ? Float32Array.from(values) : Float64Array.from(values);
  const options = optionsOf(recipe);
  const live: LiveCall = {
    input: undefined,
    options,
    expectations: [expectationsFor(recipe, seen, precision)],
    dtype,
    precision,
  };
  const Typed = float32 ? Float32Array : Float64Array;
  switch (container) {
    case 'array':
    case 'null-prototype-options': {
      const input = Array.from(values);
      live.input = input;
      live.watchedArray = input;
      if (container === 'null-prototype-options') {
        // A null-prototype options bag with the same fields: SPEC defines the result; a
        // backend may also refuse it with a SoftmaxError (grey).
        live.options = Object.assign(Object.create(null) as Record<string, unknown>, options);
        live.expectations.push({ kind: 'error', why: 'null-prototype options may be refused' });
      }
      break;
    }
    case 'nested': {
      const input = nested(values, recipe.shape) as unknown[];
      live.input = input;
      live.watchedArray = input;
      break;
    }
    case 'float32':
    case 'float64': {
      const input = Typed.from(values);
      live.input = input;
      live.watchedBuffer = input.buffer;
      break;
    }
    case 'float32-subarray':
    case 'float64-subarray': {
      // The view sits inside a larger buffer at a non-zero byteOffset; bytes around it are sentinels.
      const backing = new Typed(values.length + 7).fill(-12345.5);
      const input = backing.subarray(3, 3 + values.length);
      input.set(values);
      live.input = input;
      live.watchedBuffer = backing.buffer;
      break;
    }
    case 'float32-other-realm':
    case 'float64-other-realm': {
      const input = otherRealm(float32 ? 'Float32Array' : 'Float64Array', values);
      live.input = input;
      live.watchedBuffer = input.buffer;
      break;
    }
    case 'array-proxy': {
      const target = Array.from(values);
      live.input = new Proxy(target, {});
      live.watchedArray = target;
      // A transparent proxy of an array is an array (Array.isArray): SPEC's result, or a refusal.
      live.expectations.push({ kind: 'error', why: 'a proxy may be refused' });
      break;
    }
    case 'float32-proxy': {
      const target = Float32Array.from(values);
      live.input = new Proxy(target, {});
      live.watchedBuffer = target.buffer;
      // Not a real typed array (no [[ViewedArrayBuffer]]): read through its elements, or refused.
      live.expectations = [
        expectationsFor(recipe, seen, subject.precision.float64),
        expectationsFor(recipe, seen, precision),
        { kind: 'error', why: 'a typed-array proxy may be refused' },
      ];
      live.dtype = 'either';
      break;
    }
    case 'float32-resizable': {
      const buffer = new ResizableArrayBuffer(values.length * 4, {
        maxByteLength: values.length * 4 + 64,
      });
      const input = new Float32Array(buffer); // length-tracking
      input.set(values);
      live.input = input;
      live.watchedBuffer = buffer;
      break;
    }
    case 'float32-own-length': {
      const input = Float32Array.from(values);
      // An own `length` that lies: SPEC reads the typed array's real contents (or refuses).
      Object.defineProperty(input, 'length', { value: values.length + 3 });
      live.input = input;
      live.watchedBuffer = input.buffer;
      live.expectations.push({ kind: 'error', why: 'an own length property may be refused' });
      break;
    }
  }
  addOut(recipe, live);
  return live;
}

function addOut(recipe: DataRecipe, live: LiveCall): void {
  if (recipe.out === 'none' || live.options === undefined) return;
  if (live.dtype === 'either') return;
  const Typed = live.dtype === 'float32' ? Float32Array : Float64Array;
  const length = outLength(recipe);
  if (recipe.out === 'fresh') {
    live.out = new Typed(length).fill(7.25);
  } else if (recipe.out === 'view') {
    const backing = new Typed(length + 5).fill(-3.5);
    live.out = backing.subarray(2, 2 + length);
    live.outRange = [2 * Typed.BYTES_PER_ELEMENT, (2 + length) * Typed.BYTES_PER_ELEMENT];
    live.outBacking = backing.buffer;
  } else {
    // In place: only a real typed array of the result's dtype and length qualifies.
    const input = live.input;
    if (
      !(input instanceof Typed) ||
      input.length !== length ||
      recipe.container.endsWith('own-length')
    ) {
      return;
    }
    live.out = input as Float32Array | Float64Array;
    live.outRange = [input.byteOffset, input.byteOffset + input.byteLength];
  }
  live.options.out = live.out;
}

function buildMischief(recipe: MischiefRecipe, subject: FuzzSubject): LiveCall {
  const live = buildData(recipe.base, subject);
  const options = live.options as Record<string, unknown>;
  const input = live.input as Float32Array;
  switch (recipe.mischief) {
    case 'mutate-options-after-call':
      live.after = () => {
        options.temperature = 3;
        options.shape = [1, 2, 3];
        options.axis = 1;
        options.nan = 'propagate';
        options.allMasked = 'nan';
      };
      break;
    case 'mutate-input-after-call': {
      // SPEC: the call reads its input when it is made; a NaN written later changes nothing.
      const target = live.watchedArray ?? (live.input as Float32Array);
      live.after = () => {
        for (let i = 0; i < Math.min(3, target.length); i++) (target as unknown[])[i] = Number.NaN;
      };
      live.watchedArray = undefined;
      live.watchedBuffer = undefined;
      break;
    }
    case 'getter-resizes-buffer': {
      // A getter in the options shrinks the resizable buffer: SPEC's result for the input as it
      // was when read, or as it is after the shrink, or a SoftmaxError; never NaN or zeros.
      const buffer = input.buffer as ResizableBuffer;
      const shrunk = Math.floor(input.length / 2);
      const before = Float32Array.from(input);
      let read = false;
      Object.defineProperty(options, 'nan', {
        enumerable: true,
        get() {
          if (!read) buffer.resize(shrunk * 4);
          read = true;
          return recipe.base.nan;
        },
      });
      const after = before.slice(0, shrunk);
      live.expectations = [
        expectationsFor(recipe.base, before, live.precision),
        expectationsFor({ ...recipe.base, shape: [shrunk] }, after, live.precision),
        { kind: 'error', why: 'resized while the options were read' },
      ];
      live.watchedBuffer = undefined;
      break;
    }
    case 'getter-detaches-buffer': {
      const before = Float32Array.from(input);
      let read = false;
      Object.defineProperty(options, 'nan', {
        enumerable: true,
        get() {
          if (!read) structuredClone(input.buffer, { transfer: [input.buffer as ArrayBuffer] });
          read = true;
          return recipe.base.nan;
        },
      });
      live.expectations = [
        expectationsFor(recipe.base, before, live.precision),
        { kind: 'error', why: 'detached while the options were read' },
      ];
      live.watchedBuffer = undefined;
      break;
    }
    case 'detached-before-call': {
      structuredClone(input.buffer, { transfer: [input.buffer as ArrayBuffer] });
      // Now a view of length 0: SPEC's result for an empty input, or a SoftmaxError.
      delete options.shape;
      live.expectations = [
        expectationsFor({ ...recipe.base, shape: [0], values: [] }, [], live.precision),
        { kind: 'error', why: 'detached' },
      ];
      live.watchedBuffer = undefined;
      break;
    }
    case 'getter-reenters': {
      // A getter in the options calls the same instance (same operation) on other data: the
      // outer call's result must be what it would have been alone.
      const other = Float64Array.from({ length: 6 }, (_, i) => 3 - i * 1.5);
      let entered = false;
      Object.defineProperty(options, 'nan', {
        enumerable: true,
        get() {
          if (!entered) {
            entered = true;
            const run = subject.sync
              ? subject.sm[`${recipe.base.operation}Sync`]?.bind(subject.sm)
              : undefined;
            try {
              if (run) run(other, { shape: [2, 3] });
              else
                live.settle = subject.sm[recipe.base.operation](other, { shape: [2, 3] }).catch(
                  () => {},
                );
            } catch {
              // The inner call's own outcome is not what this case checks.
            }
          }
          return recipe.base.nan;
        },
      });
      break;
    }
  }
  return live;
}

/** A cyclic array: `a = []; a.push(a)` (issue 8's repro), `[1, 2, a]`, or a cycle one level down. */
function cyclic(variant: number): unknown[] {
  if (variant === 0) {
    const a: unknown[] = [];
    a.push(a);
    return a;
  }
  if (variant === 1) {
    const a: unknown[] = [1, 2];
    a.push(a);
    return a;
  }
  const row: unknown[] = [1, 2];
  const outer: unknown[] = [row, row];
  row.push(outer);
  return outer;
}

function deep(depth: number): unknown {
  let value: unknown = [0.5];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

const BIGINT_OPTIONS: readonly Record<string, unknown>[] = [
  { nan: 1n },
  { temperature: 1n },
  { axis: 0n },
  { shape: [2n] },
  { allMasked: 1n },
  { temperature: [1n, 2n] },
];

function buildHostile(recipe: HostileRecipe, subject: FuzzSubject): LiveCall {
  const precision = subject.precision.float64;
  const live: LiveCall = {
    input: [1, 2],
    options: {},
    expectations: [{ kind: 'error', why: recipe.hostile }],
    dtype: 'float64',
    precision,
  };
  const v = recipe.variant;
  const accept = (values: number[], shape: number[], options: Partial<LogicalCall> = {}) => {
    live.expectations.push(
      model(
        {
          operation: recipe.operation,
          values,
          shape,
          axis: undefined,
          temperature: undefined,
          allMasked: undefined,
          nan: undefined,
          ...options,
        },
        precision,
      ),
    );
  };
  switch (recipe.hostile) {
    case 'cyclic-array':
      live.input = cyclic(v % 2);
      break;
    case 'cyclic-nested':
      live.input = v % 2 === 0 ? [cyclic(0), cyclic(0)] : cyclic(2);
      break;
    case 'deep-nesting':
      // 30,000 nested one-element arrays: shape [1, 1, ..., 1]. SPEC's result (one row of one
      // entry) or a SoftmaxError; never a stack overflow.
      live.input = deep(30_000);
      accept([0.5], [1]);
      break;
    case 'holes': {
      const input = [1, 2, 3, 4];
      delete input[v % 4];
      live.input = v >= 4 ? [input, [1, 2, 3, 4]] : input;
      break;
    }
    case 'throwing-element-getter': {
      const input: number[] = [1, 2, 3];
      Object.defineProperty(input, v % 3, {
        enumerable: true,
        get() {
          throw new TypeError('element getter');
        },
      });
      live.input = v >= 3 ? [input, [4, 5, 6]] : input;
      break;
    }
    case 'throwing-option-getter': {
      const name = ['temperature', 'shape', 'axis', 'out', 'nan', 'allMasked'][v] as string;
      const options: Record<string, unknown> = {};
      Object.defineProperty(options, name, {
        enumerable: true,
        get() {
          throw new Error(`option getter ${name}`);
        },
      });
      live.options = options;
      break;
    }
    case 'bigint-option':
      live.options = { ...(BIGINT_OPTIONS[v] as Record<string, unknown>) };
      // logSumExp has no temperature or allMasked option: it may ignore those.
      if (recipe.operation === 'logSumExp' && (v === 1 || v === 4 || v === 5)) accept([1, 2], [2]);
      break;
    case 'bigint-element':
      live.input = v % 2 === 0 ? [1n, 2n] : [[1, 2n]];
      break;
    case 'bigint64-array':
      live.input = new BigInt64Array([1n, 2n]);
      break;
    case 'null-prototype-out':
      live.options = { out: Object.create(null) };
      break;
    case 'null-prototype-axis':
      live.options = { axis: Object.create(null) };
      break;
    case 'null-prototype-shape-entry':
      live.options = { shape: [Object.create(null), 2] };
      break;
    case 'huge-empty-shape': {
      // Zero rows of 2^40 (or 2^40 rows of zero): SPEC's empty result (or EMPTY_AXIS), or a
      // refusal; never an attempt to allocate 2^40 entries.
      const shape = v % 2 === 0 ? [0, 2 ** 40] : [2 ** 40, 0];
      live.input = [];
      live.options = { shape };
      accept([], shape);
      break;
    }
    case 'huge-shape':
      live.options = { shape: v % 2 === 0 ? [2 ** 31, 2 ** 31] : [2 ** 53, 2 ** 53] };
      break;
    case 'huge-sparse-array':
      live.input = new Array(2 ** 32 - 1);
      break;
    case 'huge-nested-sparse':
      live.input = [new Array(2 ** 31), new Array(2 ** 31)];
      break;
    case 'throwing-proxy':
      live.input = new Proxy([1, 2, 3], {
        get(target, key) {
          if (key === 'length' || key === '1' || v === 0) throw new Error('proxy get');
          return Reflect.get(target, key);
        },
      });
      break;
    case 'revoked-proxy': {
      const { proxy, revoke } = Proxy.revocable(v % 2 ? new Float32Array(3) : [1, 2, 3], {});
      revoke();
      live.input = proxy;
      break;
    }
    case 'symbol-option':
      live.options = [{ temperature: Symbol('t') }, { nan: Symbol('n') }, { shape: [Symbol('s')] }][
        v % 3
      ] as Record<string, unknown>;
      break;
    case 'wrong-out':
      // The wrong dtype for number[] input (its result is Float64Array), the wrong length, not a
      // typed array at all.
      live.options = {
        out: [new Float32Array(2), new Float64Array(5), [0, 0], new Uint8Array(16), 'out', 42][v],
      };
      break;
  }
  return live;
}

/** The live call of any recipe. */
export function build(recipe: Recipe, subject: FuzzSubject): LiveCall {
  if (recipe.category === 'data') return buildData(recipe, subject);
  if (recipe.category === 'mischief') return buildMischief(recipe, subject);
  return buildHostile(recipe, subject);
}

// ---------------------------------------------------------------------------------------------
// The check

/** Why a case failed, with a category name for the report. */
export class FuzzFailure extends Error {
  constructor(
    readonly category: string,
    message: string,
  ) {
    super(`[${category}] ${message}`);
    this.name = 'FuzzFailure';
  }
}

/** Milliseconds a call may take before it counts as a hang. */
export const CALL_TIME_LIMIT_MS = 10_000;

function categoryOf(recipe: Recipe): string {
  if (recipe.category === 'data') return `data/${recipe.container}`;
  if (recipe.category === 'mischief') return `mischief/${recipe.mischief}`;
  return `hostile/${recipe.hostile}`;
}

function bytesOf(buffer: ArrayBufferLike): Uint8Array {
  return new Uint8Array(buffer.slice(0));
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return `a thrown ${typeof error}: ${String(error)}`;
  } catch {
    return 'an unprintable throw';
  }
}

/** Compares a result with one expectation; undefined if it matches, else why not. */
function mismatch(result: unknown, expectation: Expectation, live: LiveCall): string | undefined {
  if (expectation.kind === 'error') return `expected a SoftmaxError (${expectation.why})`;
  const allowed =
    live.dtype === 'either'
      ? [Float32Array, Float64Array]
      : [live.dtype === 'float32' ? Float32Array : Float64Array];
  if (!allowed.some((Typed) => result instanceof Typed)) {
    return `expected a ${allowed.map((t) => t.name).join(' or ')}, got ${Object.prototype.toString.call(result)}`;
  }
  const values = result as Float32Array | Float64Array;
  const length = expectation.kind === 'open' ? expectation.length : expectation.values.length;
  if (values.length !== length) return `expected length ${length}, got ${values.length}`;
  if (expectation.kind === 'open') return undefined;
  // The range a finite value may overflow past: float32's if the compute or the result is float32.
  const range =
    values instanceof Float32Array || live.precision.eps > FLOAT64.eps ? FLOAT32 : FLOAT64;
  for (let i = 0; i < length; i++) {
    const actual = values[i] as number;
    const expected = expectation.values[i] as number;
    const bound = expectation.bounds[i] as number;
    if (!entryMatches(actual, expected, bound, range)) {
      return `entry ${i}: got ${actual}, expected ${expected} within ${bound}`;
    }
  }
  return undefined;
}

/**
 * Runs one recipe against the subject and throws a {@link FuzzFailure} if SPEC is broken:
 * another exception than a SoftmaxError with a code, a wrong result, a changed input or bytes
 * around a view, a result that is not `out`, more live tensors after the call, or a hang.
 */
export async function check(
  recipe: Recipe,
  subject: FuzzSubject,
): Promise<{ readonly failedCall: boolean }> {
  const category = categoryOf(recipe);
  const fail = (message: string): never => {
    throw new FuzzFailure(category, message);
  };
  const live = build(recipe, subject);
  const watchedBytes = live.watchedBuffer ? bytesOf(live.watchedBuffer) : undefined;
  const outBacking = live.outBacking;
  const outBackingBytes = outBacking ? bytesOf(outBacking) : undefined;
  const watchedElements = live.watchedArray ? snapshot(live.watchedArray) : undefined;
  const tensorsBefore = subject.resourceCount?.();
  const sync =
    subject.sync &&
    (recipe.category === 'data'
      ? recipe.sync
      : recipe.category === 'hostile'
        ? recipe.sync
        : recipe.base.sync);
  const operation = recipe.category === 'mischief' ? recipe.base.operation : recipe.operation;

  let result: unknown;
  let thrown: unknown;
  let threw = false;
  try {
    if (sync) {
      const run = subject.sm[`${operation}Sync`];
      if (run === undefined) fail('no sync method on a sync backend');
      result = (run as (i: unknown, o?: unknown) => unknown).call(
        subject.sm,
        live.input,
        live.options,
      );
      live.after?.();
    } else {
      let promise: Promise<unknown>;
      try {
        promise = subject.sm[operation](live.input, live.options);
      } catch (error) {
        fail(`the async method threw synchronously instead of rejecting: ${describeError(error)}`);
        throw error;
      }
      live.after?.();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new FuzzFailure(category, `no answer within ${CALL_TIME_LIMIT_MS} ms`)),
          CALL_TIME_LIMIT_MS,
        );
      });
      try {
        result = await Promise.race([promise, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
  } catch (error) {
    if (error instanceof FuzzFailure) throw error;
    threw = true;
    thrown = error;
  }

  if (threw) {
    if (!subject.isSoftmaxError(thrown)) fail(`threw ${describeError(thrown)}`);
    const code = (thrown as { code?: unknown }).code;
    if (typeof code !== 'string' || code.length === 0) fail('a SoftmaxError without a code');
    if (!live.expectations.some((e) => e.kind === 'error' || e.kind === 'open')) {
      const first = live.expectations[0] as Expectation;
      const wanted =
        first.kind === 'result'
          ? `[${Array.from(first.values.slice(0, 6)).join(', ')}${first.values.length > 6 ? ', ...' : ''}]`
          : first.kind;
      fail(
        `refused a call SPEC defines with ${code}: ${describeError(thrown)}; expected ${wanted}`,
      );
    }
  } else {
    const reasons: string[] = [];
    for (const expectation of live.expectations) {
      const why = mismatch(result, expectation, live);
      if (why === undefined) {
        reasons.length = 0;
        break;
      }
      reasons.push(why);
    }
    if (reasons.length > 0) fail(reasons.join('; or '));
    if (live.out !== undefined && result !== live.out) fail('the result is not the `out` buffer');
  }

  if (watchedBytes && live.watchedBuffer && live.watchedBuffer.byteLength === watchedBytes.length) {
    const now = new Uint8Array(live.watchedBuffer);
    const [from, to] =
      !threw && live.outRange && live.out?.buffer === live.watchedBuffer ? live.outRange : [0, 0];
    for (let i = 0; i < now.length; i++) {
      if (i >= from && i < to) continue;
      if (now[i] !== watchedBytes[i]) fail(`the input's buffer changed at byte ${i}`);
    }
  }
  if (outBacking && outBackingBytes && live.outRange) {
    const now = new Uint8Array(outBacking);
    const [from, to] = live.outRange;
    for (let i = 0; i < now.length; i++) {
      if (i >= from && i < to) continue;
      if (now[i] !== outBackingBytes[i]) fail(`a byte outside the out view changed (byte ${i})`);
    }
  }
  if (watchedElements && live.watchedArray && !sameSnapshot(watchedElements, live.watchedArray)) {
    fail('the input array changed');
  }
  await live.settle;
  if (tensorsBefore !== undefined) {
    const after = subject.resourceCount?.();
    if (after !== tensorsBefore) fail(`live resources went from ${tensorsBefore} to ${after}`);
  }
  return { failedCall: threw };
}

/** A deep copy of a (nested) array of plain values, read through its own elements. */
function snapshot(array: readonly unknown[]): unknown[] {
  return array.map((value) => (Array.isArray(value) ? snapshot(value) : value));
}

function sameSnapshot(before: readonly unknown[], now: readonly unknown[]): boolean {
  if (before.length !== now.length) return false;
  return before.every((value, i) => {
    const current = now[i];
    if (Array.isArray(value)) return Array.isArray(current) && sameSnapshot(value, current);
    return Object.is(value, current);
  });
}

/**
 * SPEC: "a failed call leaves no state behind". After every refused call (and every mischief
 * case) the fuzz repeats one fixed call (issue 8's repro: a `[2, 2]` softmax at T = 0.5, sync
 * where offered) and compares its bits with the first answer.
 */
async function probe(subject: FuzzSubject): Promise<Float64Array> {
  const input = [0.5, 1.5, -2, 3];
  const options = { shape: [2, 2], temperature: 0.5 };
  const sync = subject.sync ? subject.sm.softmaxSync?.bind(subject.sm) : undefined;
  const result = sync ? sync(input, options) : await subject.sm.softmax(input, options);
  return Float64Array.from(result);
}

/** One-line description of a recipe for failure reports. */
export function describeRecipe(recipe: Recipe): string {
  return JSON.stringify(recipe, (_key, value) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}

export { FuzzFailure as AdversarialFailure };

// ---------------------------------------------------------------------------------------------
// The runs a backend's fuzz test makes

/** One fuzz property: a name for the report, its generator and how many inputs it draws. */
export interface FuzzCategory {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<Recipe>;
  readonly numRuns: number;
}

const CONTAINERS: readonly Container[] = [...FLAT_CONTAINERS, 'nested'];

/**
 * Every category with its share of the runs: 400 per data container (13), 300 per mischief (6),
 * 150 per hostile kind (20): 10,000 inputs per backend in all.
 */
export const FUZZ_CATEGORIES: readonly FuzzCategory[] = [
  ...CONTAINERS.map((container) => ({
    name: `data/${container}`,
    arbitrary: dataRecipe([container]) as fc.Arbitrary<Recipe>,
    numRuns: 400,
  })),
  ...MISCHIEFS.map((mischief) => ({
    name: `mischief/${mischief}`,
    arbitrary: mischiefRecipe(mischief) as fc.Arbitrary<Recipe>,
    numRuns: 300,
  })),
  ...HOSTILE.map((hostile) => ({
    name: `hostile/${hostile}`,
    arbitrary: hostileRecipe([hostile]) as fc.Arbitrary<Recipe>,
    numRuns: 150,
  })),
];

/** The fixed seed of a category's run (printed by fast-check with the counterexample). */
export function seedOf(category: FuzzCategory): number {
  let hash = 20_261_201;
  for (const char of category.name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return hash;
}

/**
 * Runs one category against a subject with fast-check; rejects with fast-check's report (seed,
 * path, the shrunk recipe, the FuzzFailure) on the first input that breaks SPEC.
 * `scale` multiplies the category's runs (1 in CI; smaller for a quick look).
 */
export async function runCategory(
  category: FuzzCategory,
  subject: FuzzSubject,
  scale = 1,
): Promise<void> {
  const numRuns = Math.max(1, Math.round(category.numRuns * scale));
  const baseline = await probe(subject);
  await fc.assert(
    fc.asyncProperty(category.arbitrary, async (recipe) => {
      const { failedCall } = await check(recipe, subject);
      // After every refused call, and after any mischief (re-entrant calls, getters).
      if (!failedCall && recipe.category !== 'mischief') return;
      const again = await probe(subject);
      if (!again.every((value, i) => Object.is(value, baseline[i]))) {
        throw new FuzzFailure(
          categoryOf(recipe),
          `after this case the fixed probe call gave [${Array.from(again)}], first [${Array.from(baseline)}]`,
        );
      }
    }),
    { seed: seedOf(category), numRuns, endOnFailure: true },
  );
}
