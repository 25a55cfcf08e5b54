import { createSoftmax, SoftmaxError } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { tfjsNodeBackend } from './index.js';

/** Whether @tensorflow/tfjs-node's native binding loads here (its install script has run). */
const bindingError = await import('@tensorflow/tfjs-node').then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error.message : String(error)),
);

describe.skipIf(bindingError !== undefined)('tfjsNodeBackend where the binding loads', () => {
  it('computes SPEC worked example [2, 1, 0.1] on the tensorflow backend', async () => {
    const sm = await createSoftmax(tfjsNodeBackend());
    expect(sm.backend.name).toBe('tfjs-node');
    expect(sm.backend.capabilities.device).toBe('tensorflow');
    const result = await sm.softmax(new Float32Array([2, 1, 0.1]));
    const expected = [0.659001, 0.242433, 0.098566];
    // 6 printed decimals (5e-7) plus a float32 result, a few units of 2^-24 each.
    expected.forEach((value, index) => {
      expect(Math.abs(result[index]! - value)).toBeLessThanOrEqual(5e-7 + 16 * 2 ** -24);
    });
    await sm.dispose();
  });
});

describe.runIf(bindingError !== undefined)('tfjsNodeBackend where the binding is missing', () => {
  it('rejects createSoftmax with BACKEND_UNAVAILABLE naming the cause and the fix', async () => {
    const error = await createSoftmax(tfjsNodeBackend()).catch((caught: unknown) => caught);
    expect(SoftmaxError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    const message = (error as Error).message;
    expect(message).toContain('tfjs_binding.node');
    expect(message).toContain('libtensorflow');
    expect(message).toContain(bindingError!.split('\n')[0]!);
    expect(message).toContain('pnpm rebuild @tensorflow/tfjs-node');
    expect(message).toContain('npm rebuild @tensorflow/tfjs-node');
    expect((error as Error).cause).toBeDefined();
  });

  it('rejects again, with the same reason, on a second attempt', async () => {
    const first = await createSoftmax(tfjsNodeBackend()).catch((caught: unknown) => caught);
    const second = await createSoftmax(tfjsNodeBackend()).catch((caught: unknown) => caught);
    expect((second as Error).message).toBe((first as Error).message);
  });
});
