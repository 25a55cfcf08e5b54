import type { RowPasses } from './backend.js';
import { genericRowPasses } from './row-passes.js';

/** What core keeps for each `createSoftmax` instance, for the packages built on it (the sampler). */
export interface InstanceInternals {
  /** The backend's name. */
  readonly name: string;
  /** The backend's row passes, or core's JavaScript ones. */
  readonly rowPasses: RowPasses;
  /** Throws `DISPOSED` once the instance's `dispose()` was called. */
  checkAlive(): void;
}

const KEY = Symbol.for('@softmax-kit/core/instances');

/** One registry per process, shared by every copy of core that is loaded (source and dist). */
function registry(): WeakMap<object, InstanceInternals> {
  const holder = globalThis as { [KEY]?: WeakMap<object, InstanceInternals> };
  holder[KEY] ??= new WeakMap();
  return holder[KEY];
}

/** Records an instance's internals (called by `createSoftmax`). */
export function registerInstance(instance: object, internals: InstanceInternals): void {
  registry().set(instance, internals);
}

/**
 * The internals of a `createSoftmax` instance; for another object (a wrapper of one), core's
 * JavaScript row passes and no liveness check.
 */
export function internalsOf(instance: object): InstanceInternals {
  return (
    registry().get(instance) ?? {
      name: 'unknown',
      rowPasses: genericRowPasses,
      checkAlive() {},
    }
  );
}
