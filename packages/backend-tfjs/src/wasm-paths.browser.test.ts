import { createSoftmax } from '@softmax-kit/core';
import { expect, it } from 'vitest';
import { tfjsBackend } from './tfjs-backend.js';

// Its own test file: a failed wasm initialisation cannot be retried in the same page.
it('wasm without reachable binaries rejects with BACKEND_UNAVAILABLE and says what to set', async () => {
  const error = await createSoftmax(
    tfjsBackend({ device: 'wasm', wasmPaths: '/no-such-folder/' }),
  ).catch((caught: unknown) => caught);
  console.log((error as Error).message);
  expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  expect((error as Error).message).toMatch(/wasmPaths/);
});
