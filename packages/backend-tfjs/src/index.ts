export type { TfjsEngineBackendOptions } from './engine-backend.js';
export { tfjsEngineBackend } from './engine-backend.js';
export type { TfjsDevice } from './load-device.js';
export type { TfjsBackendOptions } from './tfjs-backend.js';
export { tfjsBackend } from './tfjs-backend.js';
export type { TfjsModule } from './tfjs-types.js';
export type { WasmPaths } from './wasm-paths.js';
export { defaultWasmPaths, WASM_FILE_NAMES } from './wasm-paths.js';
