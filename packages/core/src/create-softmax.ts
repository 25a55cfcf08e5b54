import type {
  Backend,
  BackendCapabilities,
  Dtype,
  FloatArray,
  Operation,
  Precision,
  RowPasses,
  SplitThreshold,
} from './backend.js';
import { describe, messageOf } from './describe.js';
import { SoftmaxError } from './errors.js';
import { registerInstance } from './instances.js';
import { completeRowPasses, genericRowPasses } from './row-passes.js';
import { Session } from './session.js';
import type { SoftmaxFor } from './types.js';

/**
 * Backend objects owned by a live instance (SPEC: one `createSoftmax` at a time per object).
 * Kept on `globalThis` under a registered symbol so that two copies of core in one program
 * still see each other's claims.
 */
const IN_USE_KEY = Symbol.for('@softmax-kit/core/backends-in-use');
function backendsInUse(): WeakSet<object> {
  const holder = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
  let set = holder[IN_USE_KEY];
  if (set === undefined) {
    set = new WeakSet();
    Object.defineProperty(globalThis, IN_USE_KEY, { value: set });
  }
  return set;
}

const DTYPES: readonly Dtype[] = ['float32', 'float64'];
const PRECISIONS: readonly Precision[] = ['float16', 'float32', 'float64'];

function nameOf(backend: object): string {
  try {
    const name = (backend as { name?: unknown }).name;
    return typeof name === 'string' ? name : describe(name);
  } catch {
    return '(unnamed)';
  }
}

const ROW_PASSES = ['stats', 'expSum', 'weigh', 'countAtLeast', 'gatherAtLeast'] as const;
/** Passes a backend may leave out (core's JavaScript ones stand in). */
const OPTIONAL_PASSES = ['split', 'holding', 'ahead'] as const;

/**
 * The backend's row passes, each function read once and bound to its object (a getter cannot
 * swap one later), core's where the backend offers none or leaves an optional one out; an
 * unusable value is `BACKEND_ERROR`.
 */
function rowPassesOf(backend: Backend): Required<RowPasses> {
  const passes = backend.rowPasses;
  if (passes === undefined) return genericRowPasses;
  if (typeof passes !== 'object' || passes === null)
    throw new SoftmaxError(
      'BACKEND_ERROR',
      `backend '${backend.name}' has rowPasses that is not an object (${describe(passes)}).`,
    );
  const bound: Record<string, unknown> = {};
  for (const name of [...ROW_PASSES, ...OPTIONAL_PASSES]) {
    const pass: unknown = passes[name];
    // An optional pass left out: completeRowPasses below puts core's in its place.
    if (pass === undefined && (OPTIONAL_PASSES as readonly string[]).includes(name)) continue;
    if (typeof pass !== 'function')
      throw new SoftmaxError(
        'BACKEND_ERROR',
        `backend '${backend.name}' has rowPasses without a ${name}() function.`,
      );
    bound[name] = pass.bind(passes);
  }
  return completeRowPasses(Object.freeze(bound) as unknown as RowPasses);
}

/** Checks the backend object's shape; throws `INVALID_INPUT`, `BACKEND_UNAVAILABLE` or `BACKEND_ERROR`. */
function checkBackend(backend: unknown): asserts backend is Backend {
  if (typeof backend !== 'object' || backend === null) {
    throw new SoftmaxError(
      'INVALID_INPUT',
      `createSoftmax needs a backend object (e.g. tsBackend()); got ${describe(backend)}.`,
    );
  }
  const candidate = backend as Partial<Backend>;
  if (candidate.specificationVersion !== 'v1') {
    throw new SoftmaxError(
      'BACKEND_UNAVAILABLE',
      `backend '${nameOf(backend)}' implements specification ${describe(candidate.specificationVersion)}; this core supports 'v1' (upgrade @softmax-kit/core, or use a v1 backend).`,
    );
  }
  for (const method of ['doInit', 'doCompute', 'doDispose'] as const) {
    if (typeof candidate[method] !== 'function') {
      throw new SoftmaxError(
        'BACKEND_ERROR',
        `backend '${nameOf(backend)}' has no ${method}() method, which specification v1 requires.`,
      );
    }
  }
}

/**
 * Reads the capabilities once into a frozen object of core's own (getters and proxies cannot
 * change them later) and checks them. Invalid capabilities are `BACKEND_ERROR`.
 */
function readCapabilities(backend: Backend, reported: unknown): BackendCapabilities {
  const fail = (what: string, value: unknown): never => {
    throw new SoftmaxError(
      'BACKEND_ERROR',
      `backend '${backend.name}' reported invalid capabilities: ${what} is ${describe(value)}.`,
    );
  };
  if (typeof reported !== 'object' || reported === null)
    fail('the value doInit resolved to', reported);
  const source = reported as Record<string, unknown>;
  const dtypesValue = source.dtypes;
  const dtypes = Array.isArray(dtypesValue) ? [...(dtypesValue as unknown[])] : [];
  if (dtypes.length === 0 || !dtypes.every((d) => DTYPES.includes(d as Dtype))) {
    fail('dtypes', dtypesValue);
  }
  const precisionValue = source.computePrecision as Record<string, unknown> | null | undefined;
  const computePrecision: Record<string, Precision> = {};
  for (const dtype of DTYPES) {
    const precision = typeof precisionValue === 'object' ? precisionValue?.[dtype] : undefined;
    if (!PRECISIONS.includes(precision as Precision)) fail(`computePrecision.${dtype}`, precision);
    computePrecision[dtype] = precision as Precision;
  }
  const { sync, device, scansRows, details: detailsValue } = source;
  if (typeof sync !== 'boolean') fail('sync', sync);
  if (sync === true && typeof backend.doComputeSync !== 'function')
    fail('doComputeSync (sync is true)', backend.doComputeSync);
  if (typeof device !== 'string') fail('device', device);
  if (scansRows !== undefined && typeof scansRows !== 'boolean') fail('scansRows', scansRows);
  const splitsAt = readSplitThresholds(source.splitsAt, fail);
  let details: Record<string, string | number | boolean> | undefined;
  if (detailsValue !== undefined) {
    if (typeof detailsValue !== 'object' || detailsValue === null) fail('details', detailsValue);
    details = {};
    for (const [key, value] of Object.entries(detailsValue as object)) {
      if (!['string', 'number', 'boolean'].includes(typeof value)) fail(`details.${key}`, value);
      details[key] = value as string | number | boolean;
    }
  }
  return Object.freeze({
    dtypes: Object.freeze(dtypes as Dtype[]),
    computePrecision: Object.freeze(computePrecision) as Readonly<Record<Dtype, Precision>>,
    sync: sync as boolean,
    device: device as string,
    ...(scansRows === undefined ? {} : { scansRows: scansRows as boolean }),
    ...(splitsAt === undefined ? {} : { splitsAt }),
    ...(details === undefined ? {} : { details: Object.freeze(details) }),
  });
}

const SPLIT_COUNTS: readonly SplitThreshold['count'][] = ['elements', 'rows', 'cols'];

/** Copies `splitsAt` (each entry read once) into frozen objects of core's own, or fails. */
function readSplitThresholds(
  value: unknown,
  fail: (what: string, value: unknown) => never,
): readonly SplitThreshold[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return fail('splitsAt', value);
  const list = [...(value as unknown[])];
  return Object.freeze(
    list.map((entry, index) => {
      if (typeof entry !== 'object' || entry === null) return fail(`splitsAt[${index}]`, entry);
      const { count, at, what } = entry as Record<string, unknown>;
      if (!SPLIT_COUNTS.includes(count as SplitThreshold['count']))
        fail(`splitsAt[${index}].count`, count);
      if (!Number.isSafeInteger(at) || (at as number) < 1) fail(`splitsAt[${index}].at`, at);
      if (what !== undefined && typeof what !== 'string') fail(`splitsAt[${index}].what`, what);
      return Object.freeze({
        count: count as SplitThreshold['count'],
        at: at as number,
        ...(what === undefined ? {} : { what: what as string }),
      });
    }),
  );
}

async function initialise(backend: Backend): Promise<BackendCapabilities> {
  let reported: unknown;
  try {
    reported = await backend.doInit();
  } catch (error) {
    // Only the backend's own "unavailable here" is passed through (the conformance runner
    // reports it as skipped); any other failure is a broken backend.
    if (SoftmaxError.isInstance(error) && error.code === 'BACKEND_UNAVAILABLE') throw error;
    throw new SoftmaxError(
      'BACKEND_ERROR',
      `backend '${backend.name}' failed to initialise: ${messageOf(error)}`,
      { cause: error },
    );
  }
  return readCapabilities(backend, reported);
}

/**
 * Creates a softmax instance on a backend: initialises the backend (loading its libraries and
 * measuring its capabilities) and returns softmax, logSoftmax and logSumExp that follow SPEC on
 * every input, whatever the backend's kernel does natively. Synchronous variants
 * (`softmaxSync`, ...) exist when the backend has a synchronous kernel.
 *
 * A backend object belongs to one instance at a time: until that instance's `dispose()`
 * resolves, another `createSoftmax` on the same object rejects with `BACKEND_IN_USE`.
 *
 * Numerical note: the row max is subtracted before dividing by the temperature, so no finite
 * input and no positive temperature (subnormals included) gives NaN; T = 0 and T = Infinity
 * are the exact limits.
 *
 * @throws SoftmaxError `BACKEND_UNAVAILABLE` when the backend cannot run here (the message says
 *   why and how to fix it), `BACKEND_IN_USE`, or `BACKEND_ERROR` when its initialisation failed
 *   otherwise or reported invalid capabilities.
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tsBackend } from '@softmax-kit/backend-ts';
 *
 * const sm = await createSoftmax(tsBackend());
 * await sm.softmax([2, 1, 0.1]); // Float64Array [0.659001, 0.242433, 0.098566]
 * sm.softmaxSync(new Float32Array([2, 5, 5]), { temperature: 0 }); // Float32Array [0, 0.5, 0.5]
 * await sm.dispose();
 * ```
 */
export async function createSoftmax<B extends Backend>(backend: B): Promise<SoftmaxFor<B>> {
  checkBackend(backend);
  const inUse = backendsInUse();
  if (inUse.has(backend)) {
    throw new SoftmaxError(
      'BACKEND_IN_USE',
      `backend '${nameOf(backend)}' already belongs to a live createSoftmax instance; create a second backend object (e.g. call its factory again), or dispose the first instance.`,
    );
  }
  inUse.add(backend);
  let capabilities: BackendCapabilities;
  let rowPasses: RowPasses;
  try {
    capabilities = await initialise(backend);
    rowPasses = rowPassesOf(backend);
  } catch (error) {
    inUse.delete(backend);
    throw error;
  }
  const session = new Session(backend, capabilities);
  let disposing: Promise<void> | null = null;
  const checkAlive = (): void => {
    if (disposing !== null) {
      throw new SoftmaxError(
        'DISPOSED',
        `this instance (backend '${backend.name}') was disposed; call createSoftmax() again.`,
      );
    }
  };
  const run = (operation: Operation) => async (input: unknown, options?: unknown) => {
    checkAlive();
    return session.execute(operation, input, options, false);
  };
  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      try {
        await backend.doDispose();
      } catch (error) {
        throw new SoftmaxError(
          'BACKEND_ERROR',
          `backend '${backend.name}' failed to dispose: ${messageOf(error)}`,
          { cause: error },
        );
      } finally {
        inUse.delete(backend);
      }
    })();
    return disposing;
  };
  const api: Record<string, unknown> = {
    backend: Object.freeze({ name: backend.name, capabilities }),
    softmax: run('softmax'),
    logSoftmax: run('logSoftmax'),
    logSumExp: run('logSumExp'),
    dispose,
  };
  if (capabilities.sync) {
    const runSync = (operation: Operation) => (input: unknown, options?: unknown) => {
      checkAlive();
      return session.execute(operation, input, options) as FloatArray;
    };
    api.softmaxSync = runSync('softmax');
    api.logSoftmaxSync = runSync('logSoftmax');
    api.logSumExpSync = runSync('logSumExp');
  }
  const instance = Object.freeze(api);
  registerInstance(instance, {
    name: backend.name,
    rowPasses,
    checkAlive,
  });
  return instance as unknown as SoftmaxFor<B>;
}
