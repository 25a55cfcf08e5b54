export type { WasmArray } from './arena.js';
export type { WasmBackend, WasmBackendOptions } from './wasm-backend.js';
export { wasmBackend } from './wasm-backend.js';
