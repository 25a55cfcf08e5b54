import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * A full garbage collection, so heap numbers compare like with like. Enables `--expose-gc` at
 * run time when the process was not started with it.
 *
 * @example
 * ```ts
 * collectGarbage();
 * const before = retainedMb();
 * ```
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    const existing = (globalThis as { gc?: () => void }).gc;
    if (existing) collect = existing;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}

/**
 * Heap plus memory outside the JS heap (ArrayBuffers, wasm memory, native tensors), MB.
 *
 * @example
 * ```ts
 * const growth = retainedMb() - before;
 * ```
 */
export function retainedMb(): number {
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.external) / 2 ** 20;
}

/**
 * Resident set size now, MB.
 *
 * @example
 * ```ts
 * peak = Math.max(peak, rssMb());
 * ```
 */
export function rssMb(): number {
  return process.memoryUsage.rss() / 2 ** 20;
}
