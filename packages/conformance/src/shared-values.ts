/**
 * Values that a run makes from its seed and sizes alone, never from the backend: the sampling
 * group's rows and their float64 references, the real-size base rows and theirs. A run keeps
 * them in `context.cache` and drops them when it finishes. A process that runs the suite many
 * times with the same seed (this package's own tests run it on a dozen broken backends per file)
 * may keep them across runs instead, so each is made once per process: same keys, same values,
 * so every case checks exactly what it checks without sharing. Off unless turned on; internal
 * (not exported from the package), turned on by this package's test setup only.
 */
import type { CaseContext } from './case.js';

let shared: Map<string, unknown> | null = null;

/** Keeps backend-independent values across the runs of this process (`false`: one run each again). */
export function shareAcrossRuns(on: boolean): void {
  shared = on ? (shared ?? new Map()) : null;
}

function memo<T>(store: Map<string, unknown>, key: string, make: () => T): T {
  if (store.has(key)) return store.get(key) as T;
  const value = make();
  store.set(key, value);
  return value;
}

/** A value shared by the cases of one run (`context.cache`), made on first use. */
export function perRun<T>(context: CaseContext, key: string, make: () => T): T {
  return memo(context.cache, key, make);
}

/**
 * The value under `key`, made on first use: kept for the process when sharing is on, else for the
 * run (`context.cache`). `key` must name everything `make` depends on (the seed, the profile,
 * the size), and `make` must not read the backend or its precision model.
 */
export function backendIndependent<T>(context: CaseContext, key: string, make: () => T): T {
  return memo(shared ?? context.cache, key, make);
}
