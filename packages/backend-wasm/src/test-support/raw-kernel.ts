import { KERNEL_WASM_BASE64 } from '../generated/kernel-wasm.js';
import { KernelInstance } from '../kernel-instance.js';

/** A fresh instance of the committed kernel module, for tests that call its exports directly. */
export async function rawKernel(): Promise<KernelInstance> {
  const bytes = Uint8Array.from(atob(KERNEL_WASM_BASE64), (c) => c.charCodeAt(0));
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  return new KernelInstance(instance, memory);
}

/** A seeded uniform [0, 1) generator (LCG), so failures reproduce. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
