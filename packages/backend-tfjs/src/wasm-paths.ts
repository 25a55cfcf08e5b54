/**
 * Where the TensorFlow.js wasm binaries are.
 *
 * - Node: the `dist/` folder of the installed `@tensorflow/tfjs-backend-wasm`, found with
 *   `createRequire(import.meta.url).resolve(...)` (the package's `main` lies in `dist/`).
 *   `node:module` is reached through `process.getBuiltinModule` so that browser bundles never see
 *   an import of a Node built-in.
 * - Browsers: no default here. TensorFlow.js then loads the files next to its own script; a
 *   bundler such as Vite needs the URLs of the emitted assets instead (see the README:
 *   `import url from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'`).
 */

/** The three binaries of `@tensorflow/tfjs-backend-wasm` 4.x. */
export const WASM_FILE_NAMES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/** A folder prefix ending in `/`, or a URL for each of {@link WASM_FILE_NAMES}. */
export type WasmPaths = string | Readonly<Record<(typeof WASM_FILE_NAMES)[number], string>>;

interface NodeModuleBuiltin {
  createRequire(from: string): { resolve(specifier: string): string };
}

/**
 * The folder holding the wasm binaries in Node, with a trailing `/`; `undefined` outside Node
 * or where the package cannot be resolved.
 *
 * @example
 * ```ts
 * defaultWasmPaths(); // '/repo/node_modules/@tensorflow/tfjs-backend-wasm/dist/' in Node
 * ```
 */
export function defaultWasmPaths(): string | undefined {
  const nodeProcess = (
    globalThis as {
      process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown };
    }
  ).process;
  if (nodeProcess?.versions?.node === undefined || nodeProcess.getBuiltinModule === undefined) {
    return undefined;
  }
  try {
    const nodeModule = nodeProcess.getBuiltinModule('node:module') as NodeModuleBuiltin;
    const main = nodeModule.createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    return main.slice(0, Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
  } catch {
    return undefined;
  }
}
