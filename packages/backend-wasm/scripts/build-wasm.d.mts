export type KernelVariant = 'plain' | 'relaxed';
export const WAT_PATH: string;
export const GENERATED_PATH: string;
export function watSource(variant?: KernelVariant): string;
export function assembleKernel(variant?: KernelVariant): Promise<Uint8Array>;
export function relaxedPatch(
  plain: Uint8Array,
  relaxed: Uint8Array,
): { index: number; body: Uint8Array };
export function renderModule(bytes: Uint8Array, patch: { index: number; body: Uint8Array }): string;
export function generatedModule(): Promise<{
  plain: Uint8Array;
  relaxed: Uint8Array;
  patch: { index: number; body: Uint8Array };
}>;
