import { createSoftmax } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { browserWasmPaths } from './test-support/browser-wasm-paths.js';
import { maxRelativeError, referenceSoftmax, U32 } from './test-support/reference.js';
import { tfjsBackend } from './tfjs-backend.js';

describe('tfjs devices in Chromium', () => {
  it('the page is cross-origin isolated, so wasm may use threads', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
  });

  it.each(['webgl', 'webgpu', 'wasm'] as const)('%s computes the SPEC example', async (device) => {
    const sm = await createSoftmax(tfjsBackend({ device, wasmPaths: browserWasmPaths }));
    console.log(device, JSON.stringify(sm.backend.capabilities));
    const logits = new Float32Array([2, 1, 0.1]);
    const result = await sm.softmax(logits);
    expect(maxRelativeError(result, referenceSoftmax(logits))).toBeLessThanOrEqual(20 * U32);
    await sm.dispose();
  });
});
