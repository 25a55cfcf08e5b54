/**
 * The worker thread's program, as source text: it instantiates the kernel module on the shared
 * memory it is given and then serves calls posted through a control block in that memory (no
 * messages per call): `state` 0 = idle, 1 = a call is waiting (export index, up to 8 arguments), 4 = the
 * worker claimed it and runs it, 2 = done (results in slots 8 and 9), 3 = stop. A waiting call
 * the worker has not claimed yet can be taken back by the calling thread (1 -> 0), so a worker
 * that died or sleeps never holds a call up. Runs as a Node `worker_threads` eval worker or a Web
 * Worker (from a Blob URL). Plain ES2020, so its `toString()` is the worker; it names only the
 * functions of `ahead-row.ts` and `split-blocks.ts`, whose source text goes with it.
 */
import { type AheadExports, aheadRows, runAheadRow } from './ahead-row.js';
import { splitRowBlocks } from './split-blocks.js';

function workerMain(): void {
  interface Start {
    module: WebAssembly.Module;
    memory: WebAssembly.Memory;
    meta: number;
    control: number;
  }
  const serve = (data: Start, post: (message: string) => void): void => {
    const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
    const ex = instance.exports as Record<string, unknown>;
    (ex.scratch as WebAssembly.Global).value = data.meta;
    const state = new Int32Array(data.memory.buffer, data.control, 4);
    const slots = new Float64Array(data.memory.buffer, data.control + 16, 10);
    const calls = ['scan', 'softmax', 'sumExcludingMax', 'logSoftmax', 'expSum', 'scaleRow'].map(
      (name) => ex[name] as (...args: number[]) => number | number[] | undefined,
    );
    // A batch's rows for the sampler (ahead-row.ts, defined beside this program).
    calls.push((jobAt: number) => {
      aheadRows(ex as unknown as AheadExports, data.memory, jobAt);
      return undefined;
    });
    post('ready');
    /** Reads of the state before sleeping: ~2-4 ns each. */
    const SPINS = 25_000;
    for (;;) {
      const now = Atomics.load(state, 0);
      if (now === 3) return;
      if (now !== 1) {
        // Idle (0), running elsewhere, or our last result not yet read (2): watch the state for
        // a while first (~50-100 us), so that back-to-back calls (a generation loop, the two
        // phases of a split row) find the worker awake instead of paying a wake-up from
        // Atomics.wait (10-50 us, more on a busy machine); then sleep until it changes.
        let spins = 0;
        while (spins < SPINS && Atomics.load(state, 0) === now) spins++;
        if (spins < SPINS) continue;
        Atomics.wait(state, 0, now);
        continue;
      }
      // Claim the call (1 -> 4); the calling thread may have taken it back already (1 -> 0).
      if (Atomics.compareExchange(state, 0, 1, 4) !== 1) continue;
      try {
        const call = calls[state[1] as number] as (...args: number[]) => unknown;
        const a = slots;
        const result = call(
          a[0] as number,
          a[1] as number,
          a[2] as number,
          a[3] as number,
          a[4] as number,
          a[5] as number,
          a[6] as number,
          a[7] as number,
        );
        if (Array.isArray(result)) {
          slots[8] = result[0] as number;
          slots[9] = result[1] as number;
        } else if (typeof result === 'number') {
          slots[8] = result;
        }
        state[2] = 0;
      } catch {
        state[2] = 1;
      }
      Atomics.store(state, 0, 2);
      Atomics.notify(state, 0);
    }
  };
  const scope = globalThis as unknown as {
    require?: (id: string) => unknown;
    postMessage?: (message: unknown) => void;
    onmessage?: ((event: { data: Start }) => void) | null;
  };
  if (typeof scope.require === 'function') {
    const threads = scope.require('node:worker_threads') as {
      parentPort: { postMessage(message: unknown): void };
      workerData: Start;
    };
    serve(threads.workerData, (message) => threads.parentPort.postMessage(message));
  } else {
    scope.onmessage = (event) => {
      scope.onmessage = null;
      serve(event.data, (message) => scope.postMessage?.(message));
    };
  }
}

/**
 * The worker program's source text: the functions it shares with the calling thread, then the
 * program.
 */
export const WORKER_SOURCE = [splitRowBlocks, runAheadRow, aheadRows]
  .map((shared) => shared.toString())
  .concat(`(${workerMain.toString()})();`)
  .join('\n');

/** Indices of the exports a worker serves (the order of the list in the worker). */
export const CALL = {
  scan: 0,
  softmax: 1,
  sumExcludingMax: 2,
  logSoftmax: 3,
  expSum: 4,
  scaleRow: 5,
  aheadRows: 6,
} as const;
