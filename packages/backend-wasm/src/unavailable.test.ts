import { createSoftmax } from '@softmax-kit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wasmBackend } from './index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('wasmBackend where it cannot run', () => {
  it('rejects with BACKEND_UNAVAILABLE naming tsBackend() when WebAssembly SIMD is missing', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    await expect(createSoftmax(wasmBackend())).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/SIMD128.*tsBackend\(\) from '@softmax-kit\/backend-ts'/),
    });
  });

  it("rejects with BACKEND_UNAVAILABLE naming 'wasm-unsafe-eval' when compiling is refused (CSP)", async () => {
    vi.spyOn(WebAssembly, 'compile').mockRejectedValue(
      new WebAssembly.CompileError(
        "WebAssembly.compile(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed source",
      ),
    );
    await expect(createSoftmax(wasmBackend())).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/'wasm-unsafe-eval'.*tsBackend\(\)/),
    });
  });
});
