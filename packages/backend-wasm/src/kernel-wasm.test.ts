import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generatedModule, renderModule } from '../scripts/build-wasm.mjs';
import { KERNEL_WASM_BASE64, RELAXED_FUNCTION } from './generated/kernel-wasm.js';
import { codeEntries } from './splice-function.js';
import { kernelBytes } from './wasm-backend.js';

describe('the committed kernel module', () => {
  it('is exactly what src/kernels/softmax.wat assembles to', async () => {
    const { plain, patch } = await generatedModule();
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(renderModule(plain, patch));
    expect(Buffer.from(KERNEL_WASM_BASE64, 'base64').equals(Buffer.from(plain))).toBe(true);
  });

  it('splices into the relaxed-SIMD module exactly as the WAT assembles it', async () => {
    const { relaxed } = await generatedModule();
    expect(Buffer.from(kernelBytes('relaxed')).equals(Buffer.from(relaxed))).toBe(true);
    // One body differs ($expSum's), and in it only the polynomial: relaxed_madd (0xfd 0x85 0x02)
    // appears there and nowhere in the plain module.
    const plain = kernelBytes('plain');
    const madd = (bytes: Uint8Array, [start, end]: [number, number]) => {
      let count = 0;
      for (let i = start; i + 2 < end; i++) {
        if (bytes[i] === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02) count++;
      }
      return count;
    };
    const relaxedBody = codeEntries(relaxed).bodies[RELAXED_FUNCTION] as [number, number];
    expect(madd(relaxed, relaxedBody)).toBe(6);
    expect(madd(plain, [0, plain.length])).toBe(0);
  });

  it('is a valid WebAssembly module with the exports the backend calls', async () => {
    const module = await WebAssembly.compile(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
    const names = WebAssembly.Module.exports(module).map((entry) => entry.name);
    expect(names.sort()).toEqual(
      [
        'bandCount',
        'countAtLeast',
        'expSplit',
        'expSum',
        'headCount',
        'headWeighted',
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
