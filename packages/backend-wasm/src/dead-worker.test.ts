import { createSoftmax, type SyncSoftmax } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WasmBackend, wasmBackend } from './index.js';
import { THREADS_FROM } from './threaded-compute.js';
import { poolOfBackend } from './wasm-backend.js';

// A worker of wasmBackend({ threads: 2 }) that dies (here: terminated through the pool's test
// hook, the same worker.terminate() a crash or an out-of-memory kill ends in) must never freeze
// the process: the next calls compute on the calling thread, at once, with the one-thread
// results, and threadState() says why. Each call below has a generous liveness bound (5 s; the
// old wait was 60 s per call), not a speed check.
const LIVENESS_MS = 5_000;

let one: SyncSoftmax;
beforeAll(async () => {
  one = await createSoftmax(wasmBackend());
});
afterAll(async () => {
  await one.dispose();
});

function logits(n: number): Float32Array {
  return new Float32Array(n).map((_, i) => Math.fround(Math.sin(i * 0.37) * 9));
}

/** Index of the first entry where a and b differ (bitwise, NaN equal to NaN), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** Runs `call`, checking that it returns within LIVENESS_MS; returns its result. */
async function prompt<T>(call: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await call();
  expect(performance.now() - started).toBeLessThan(LIVENESS_MS);
  return result;
}

async function threaded(): Promise<{ sm: SyncSoftmax; backend: WasmBackend }> {
  const backend = wasmBackend({ threads: 2 });
  const sm = await createSoftmax(backend);
  expect(backend.threadState().threads).toBe(2);
  return { sm, backend };
}

function kill(backend: WasmBackend): Promise<void> {
  const pool = poolOfBackend.get(backend)?.();
  if (pool == null) throw new Error('no thread pool');
  return pool.killWorker(1);
}

describe('wasmBackend({ threads: 2 }) with a dead worker', () => {
  for (const [rows, cols] of [
    [1, 1 << 20],
    [16, 32_768],
  ] as const) {
    it(`computes ${rows}x${cols} on the calling thread at once, sync and async, once the worker died`, async () => {
      const { sm, backend } = await threaded();
      const x = logits(rows * cols);
      expect(x.length).toBeGreaterThanOrEqual(THREADS_FROM);
      const reference = one.softmaxSync(x, { shape: [rows, cols] });
      // Killed, and the call made before the event loop could deliver the exit: the worker
      // never claims its part, so the calling thread takes it back.
      const killed = kill(backend);
      const shape = { shape: [rows, cols] };
      expect(firstDifference(await prompt(() => sm.softmaxSync(x, shape)), reference)).toBe(-1);
      await killed;
      await new Promise((resolve) => setTimeout(resolve, 20));
      // The exit is known now: one thread from here on, and threadState() says why.
      expect(backend.threadState()).toEqual({
        threads: 1,
        note: expect.stringMatching(/worker 1: it exited/),
      });
      expect(sm.backend.capabilities.details).toMatchObject({ threads: 2 }); // as measured at init
      expect(firstDifference(await prompt(() => sm.softmaxSync(x, shape)), reference)).toBe(-1);
      // The asynchronous API: a timer keeps firing while calls run, and they settle promptly.
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      try {
        for (let i = 0; i < 5; i++) {
          const result = await prompt(() => sm.softmax(x, shape));
          expect(firstDifference(result, reference)).toBe(-1);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        const lse = await prompt(() => sm.logSumExp(x, shape));
        expect(firstDifference(lse, one.logSumExpSync(x, shape))).toBe(-1);
      } finally {
        clearInterval(timer);
      }
      expect(ticks).toBeGreaterThan(0);
      await sm.dispose();
    });
  }

  it('leaves the event loop free during an asynchronous split call: timers and other calls run', async () => {
    const { sm, backend } = await threaded();
    const x = logits(1 << 22);
    const y = logits(300_000).reverse();
    const reference = one.softmaxSync(x);
    const referenceY = one.softmaxSync(y);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      for (let i = 0; i < 3; i++) {
        const pending = sm.softmax(x);
        // While it is in flight, a synchronous split call on the same backend computes on the
        // calling thread (the shared memory is the asynchronous call's until it settles).
        expect(firstDifference(sm.softmaxSync(y), referenceY)).toBe(-1);
        expect(firstDifference(await prompt(() => pending), reference)).toBe(-1);
      }
    } finally {
      clearInterval(timer);
    }
    expect(backend.threadState().threads).toBe(2);
    await sm.dispose();
  });

  it('settles promptly, with the results or BACKEND_ERROR, when the worker dies during an async call', async () => {
    const { sm, backend } = await threaded();
    const x = logits(1 << 23);
    const reference = one.softmaxSync(x);
    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await prompt(() => {
        const pending = sm.softmax(x).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        void kill(backend);
        return pending;
      });
      if ('result' in outcome) expect(firstDifference(outcome.result, reference)).toBe(-1);
      else expect(outcome.error).toMatchObject({ code: 'BACKEND_ERROR' });
    }
    // Whatever the race gave, later calls compute (on one thread) and say why.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(backend.threadState().threads).toBe(1);
    expect(firstDifference(await prompt(() => sm.softmaxSync(x)), reference)).toBe(-1);
    await sm.dispose();
  });
});

describe('wasmBackend(options)', () => {
  it('rejects options that are not an object, and a threads getter that throws, as INVALID_INPUT', () => {
    const throwing = Object.defineProperty({}, 'threads', {
      get() {
        throw new Error('boom');
      },
    });
    const hostile = Object.defineProperty({}, 'threads', {
      get() {
        throw {
          toString: () => {
            throw new Error('no text');
          },
        };
      },
    });
    for (const options of [
      null,
      2,
      'threads',
      throwing,
      hostile,
      { threads: '2' },
      { threads: 2n },
    ]) {
      expect(() => wasmBackend(options as never)).toThrow(
        expect.objectContaining({ name: 'SoftmaxError', code: 'INVALID_INPUT' }),
      );
    }
  });

  it('reads options.threads once', async () => {
    let reads = 0;
    const options = {
      get threads() {
        reads++;
        return reads === 1 ? 1 : 65;
      },
    };
    const sm = await createSoftmax(wasmBackend(options));
    expect(reads).toBe(1);
    expect(sm.backend.capabilities.details).toMatchObject({ threads: 1 });
    await sm.dispose();
  });
});
