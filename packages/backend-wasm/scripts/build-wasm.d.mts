export const WAT_PATH: string;
export const GENERATED_PATH: string;
export function assembleKernel(): Promise<Uint8Array>;
export function renderModule(bytes: Uint8Array): string;
