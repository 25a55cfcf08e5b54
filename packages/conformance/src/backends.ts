/**
 * The one list of softmax-kit's built-in backends and of the packages whose versions reports
 * record. Framework-free and without `node:` imports, so the CLI, the conformance bin and the
 * docs site (in the browser) all read the same list: `@softmax-kit/conformance/backends`.
 *
 * @packageDocumentation
 */

/** Where a backend runs. */
export type BackendRuntime = 'node' | 'browser';

/** A built-in backend: the package and factory that create it, and where it runs. */
export interface BuiltinBackend {
  /** The name used on the command line and in report ids, e.g. `tfjs-wasm`. */
  readonly name: string;
  /** The npm package that exports the factory. */
  readonly package: string;
  /** The factory's export name, called as `factory(options)`. */
  readonly factory: string;
  /** The factory's options; callers may add runtime-only ones (the docs add `tf`, `wasmPaths`). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** A short human label for tables and pickers. */
  readonly label: string;
  /** The runtimes it works in. */
  readonly runtimes: readonly BackendRuntime[];
}

/**
 * The built-in backends, default (`ts`) first, then the other pure-WebAssembly/JS ones, then
 * the TensorFlow.js devices. `softmax-kit conformance` without `--backend` runs the `node` ones.
 *
 * @example
 * ```ts
 * import { BUILTIN_BACKENDS } from '@softmax-kit/conformance/backends';
 * BUILTIN_BACKENDS.filter((b) => b.runtimes.includes('browser')).map((b) => b.name);
 * ```
 */
export const BUILTIN_BACKENDS: readonly BuiltinBackend[] = [
  {
    name: 'ts',
    package: '@softmax-kit/backend-ts',
    factory: 'tsBackend',
    label: 'TypeScript (default)',
    runtimes: ['node', 'browser'],
  },
  {
    name: 'wasm',
    package: '@softmax-kit/backend-wasm',
    factory: 'wasmBackend',
    label: 'WebAssembly SIMD',
    runtimes: ['node', 'browser'],
  },
  {
    name: 'wasm-threads',
    package: '@softmax-kit/backend-wasm',
    factory: 'wasmBackend',
    options: { threads: 2 },
    label: 'WebAssembly SIMD, 2 threads',
    runtimes: ['node', 'browser'],
  },
  {
    name: 'tfjs-cpu',
    package: '@softmax-kit/backend-tfjs',
    factory: 'tfjsBackend',
    options: { device: 'cpu' },
    label: 'TensorFlow.js cpu',
    runtimes: ['node', 'browser'],
  },
  {
    name: 'tfjs-wasm',
    package: '@softmax-kit/backend-tfjs',
    factory: 'tfjsBackend',
    options: { device: 'wasm' },
    label: 'TensorFlow.js wasm',
    runtimes: ['node', 'browser'],
  },
  {
    name: 'tfjs-node',
    package: '@softmax-kit/backend-tfjs-node',
    factory: 'tfjsNodeBackend',
    label: 'TensorFlow.js node (native)',
    runtimes: ['node'],
  },
  {
    name: 'tfjs-webgl',
    package: '@softmax-kit/backend-tfjs',
    factory: 'tfjsBackend',
    options: { device: 'webgl' },
    label: 'TensorFlow.js webgl',
    runtimes: ['browser'],
  },
  {
    name: 'tfjs-webgpu',
    package: '@softmax-kit/backend-tfjs',
    factory: 'tfjsBackend',
    options: { device: 'webgpu' },
    label: 'TensorFlow.js webgpu',
    runtimes: ['browser'],
  },
];

/**
 * The built-in backend of this name, or `undefined`.
 *
 * @example
 * ```ts
 * findBuiltinBackend('wasm-threads')?.options; // { threads: 2 }
 * ```
 */
export function findBuiltinBackend(name: string): BuiltinBackend | undefined {
  return BUILTIN_BACKENDS.find((b) => b.name === name);
}

/**
 * The names of the built-in backends that run in `runtime`, in list order.
 *
 * @example
 * ```ts
 * builtinBackendNames('node'); // ['ts', 'wasm', 'wasm-threads', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-node']
 * ```
 */
export function builtinBackendNames(runtime: BackendRuntime): string[] {
  return BUILTIN_BACKENDS.filter((b) => b.runtimes.includes(runtime)).map((b) => b.name);
}

/**
 * The packages whose installed versions reports (conformance and bench) record, when present:
 * softmax-kit's own, then the peers they run on or compare with.
 */
export const REPORTED_PACKAGES: readonly string[] = [
  '@softmax-kit/core',
  '@softmax-kit/cli',
  '@softmax-kit/conformance',
  ...new Set(BUILTIN_BACKENDS.map((b) => b.package)),
  'tinybench',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  'onnxruntime-node',
  '@huggingface/transformers',
];
