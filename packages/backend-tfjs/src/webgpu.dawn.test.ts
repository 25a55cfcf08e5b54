import { createSoftmax } from '@softmax-kit/core';
import { expect, it } from 'vitest';
import { maxRelativeError, referenceSoftmax, U32 } from './test-support/reference.js';
import { tfjsBackend } from './tfjs-backend.js';

it('webgpu through Dawn in Node computes the SPEC example', async () => {
  const sm = await createSoftmax(tfjsBackend({ device: 'webgpu' }));
  console.log(JSON.stringify(sm.backend.capabilities));
  const logits = new Float32Array([2, 1, 0.1]);
  expect(maxRelativeError(await sm.softmax(logits), referenceSoftmax(logits))).toBeLessThan(
    20 * U32,
  );
  await sm.dispose();
});
