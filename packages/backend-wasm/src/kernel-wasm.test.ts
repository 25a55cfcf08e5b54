import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleKernel, GENERATED_PATH, renderModule } from '../scripts/build-wasm.mjs';
import { KERNEL_WASM_BASE64 } from './generated/kernel-wasm.js';

describe('the committed kernel module', () => {
  it('is exactly what src/kernels/softmax.wat assembles to', async () => {
    const bytes = await assembleKernel();
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(renderModule(bytes));
    expect(Buffer.from(KERNEL_WASM_BASE64, 'base64').equals(Buffer.from(bytes))).toBe(true);
  });

  it('is a valid WebAssembly module with the exports the backend calls', async () => {
    const module = await WebAssembly.compile(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
    const names = WebAssembly.Module.exports(module).map((entry) => entry.name);
    expect(names.sort()).toEqual(
      [
        'countAtLeast',
        'expSum',
        'gatherAtLeast',
        'rowStats',
        'pickValues',
        'logSoftmax',
        'scaleRow',
        'scan',
        'scanSoftmax',
        'scratch',
        'softmax',
        'sumExcludingMax',
      ].sort(),
    );
  });
});
