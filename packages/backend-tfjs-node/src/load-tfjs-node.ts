import type { TfjsModule } from '@softmax-kit/backend-tfjs';
import { SoftmaxError } from '@softmax-kit/core';

/**
 * The fix for a missing native binding, with network access. `@tensorflow/tfjs-node`'s install
 * script downloads libtensorflow and the prebuilt `tfjs_binding.node` (building it from source
 * where no prebuilt one fits); pnpm 10 and other installers that block dependency scripts skip
 * it, and machines without internet access cannot run it.
 */
export const TFJS_NODE_FIX =
  'Fix, with network access: allow its install script and run it again. pnpm 10: add ' +
  '"@tensorflow/tfjs-node" to onlyBuiltDependencies in pnpm-workspace.yaml (or run `pnpm approve-builds`), ' +
  'then `pnpm rebuild @tensorflow/tfjs-node`. npm: `npm rebuild @tensorflow/tfjs-node` ' +
  '(`npm rebuild @tensorflow/tfjs-node --build-addon-from-source` compiles the binding instead, ' +
  "which needs Python and a C++ toolchain). Or use tfjsBackend({ device: 'wasm' }) from " +
  '@softmax-kit/backend-tfjs, which needs no native code.';

let loading: Promise<TfjsModule> | undefined;

/**
 * Imports `@tensorflow/tfjs-node` (an optional peer), which registers TensorFlow.js's
 * `tensorflow` backend. The import is attempted once per process: a failed import has already
 * registered part of the package's kernels, and repeating it would only repeat that.
 *
 * @example
 * ```ts
 * const tf = await loadTfjsNode(); // rejects with BACKEND_UNAVAILABLE where the binding is missing
 * ```
 */
export function loadTfjsNode(): Promise<TfjsModule> {
  loading ??= import('@tensorflow/tfjs-node').then(
    (module) => ((module as { default?: TfjsModule }).default ?? module) as TfjsModule,
    (error: unknown) => {
      throw describeLoadError(error);
    },
  );
  return loading;
}

function describeLoadError(error: unknown): SoftmaxError {
  const message = error instanceof Error ? error.message : String(error);
  const notInstalled =
    /Cannot find (package|module) '@tensorflow\/tfjs-node'/.test(message) ||
    (message.includes('@tensorflow/tfjs-node') && message.includes('ERR_MODULE_NOT_FOUND'));
  const reason = notInstalled
    ? '@tensorflow/tfjs-node is not installed. Install it with `pnpm add @tensorflow/tfjs-node@^4.22.0` (its install script must be allowed to run; see below)'
    : 'the native binding of @tensorflow/tfjs-node (tfjs_binding.node, linked against libtensorflow) could not be loaded; its install script, which downloads libtensorflow and the binding, has not run or failed';
  return new SoftmaxError(
    'BACKEND_UNAVAILABLE',
    `Backend 'tfjs-node' is unavailable: ${reason}. Underlying error: ${message.split('\n')[0]} ${TFJS_NODE_FIX}`,
    { cause: error },
  );
}
