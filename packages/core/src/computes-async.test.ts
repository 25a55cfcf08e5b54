import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../test/reference-backend.js';
import type { KernelRequest } from './index.js';
import { createSoftmax } from './index.js';

// A backend with a synchronous kernel that waits for other threads on large requests says so
// with doComputesAsync: core's asynchronous API then takes doCompute (the event loop stays
// free), its synchronous API still doComputeSync.
function counting(asyncFrom: number) {
  const base = referenceBackend();
  const calls = { sync: 0, async: 0, asked: 0 };
  let seen: KernelRequest | null = null;
  const backend = {
    ...base,
    doComputeSync(request: KernelRequest) {
      calls.sync++;
      base.doComputeSync(request);
    },
    async doCompute(request: KernelRequest) {
      calls.async++;
      seen = request;
      await new Promise((resolve) => setTimeout(resolve, 1));
      base.doComputeSync(request);
    },
    doComputesAsync(rows: number, cols: number) {
      calls.asked++;
      return rows * cols >= asyncFrom;
    },
  };
  return { backend, calls, seen: () => seen };
}

describe('doComputesAsync', () => {
  it('routes the asynchronous API to doCompute for the shapes the backend names, with a snapshot of the input', async () => {
    const { backend, calls, seen } = counting(8);
    const sm = await createSoftmax(backend);
    const small = [1, 2, 3];
    const reference = sm.softmaxSync(small);
    expect(await sm.softmax(small)).toEqual(reference);
    expect(calls).toEqual({ sync: 2, async: 0, asked: 1 });
    const large = new Float64Array(16).map((_, i) => i / 3);
    const expected = sm.softmaxSync(large);
    const pending = sm.softmax(large);
    // The caller changes its array while the call is in flight: the result is the one of the
    // input as it was at the call.
    large.fill(0);
    expect(await pending).toEqual(expected);
    expect(calls.async).toBe(1);
    expect(seen()?.input).not.toBe(large);
    // The synchronous API never asks.
    const asked = calls.asked;
    sm.softmaxSync(large);
    expect(calls.asked).toBe(asked);
    await sm.dispose();
  });

  it('turns a doComputesAsync that throws into BACKEND_ERROR', async () => {
    const { backend } = counting(0);
    backend.doComputesAsync = () => {
      throw new Error('broken');
    };
    const sm = await createSoftmax(backend);
    await expect(sm.softmax([1, 2])).rejects.toMatchObject({ code: 'BACKEND_ERROR' });
    expect(sm.softmaxSync([1, 2])).toHaveLength(2);
    await sm.dispose();
  });
});
