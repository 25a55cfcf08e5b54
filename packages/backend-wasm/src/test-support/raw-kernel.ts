import { KernelInstance } from '../kernel-instance.js';
import { kernelBytes } from '../wasm-backend.js';

/**
 * The kernel variant these tests check: the plain SIMD128 module, or with KERNEL_VARIANT=relaxed
 * (the `node-relaxed` project, a runtime with relaxed SIMD) the relaxed-SIMD one.
 */
export const KERNEL_VARIANT: 'plain' | 'relaxed' =
  process.env.KERNEL_VARIANT === 'relaxed' ? 'relaxed' : 'plain';

/** A fresh instance of the committed kernel module, for tests that call its exports directly. */
export async function rawKernel(variant = KERNEL_VARIANT): Promise<KernelInstance> {
  const bytes = kernelBytes(variant);
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
