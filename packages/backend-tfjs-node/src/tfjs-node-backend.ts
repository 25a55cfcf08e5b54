import { tfjsEngineBackend } from '@softmax-kit/backend-tfjs';
import type { Backend } from '@softmax-kit/core';
import { loadTfjsNode, TFJS_NODE_FIX } from './load-tfjs-node.js';

/**
 * A softmax-kit backend on TensorFlow.js's native `tensorflow` backend
 * (`@tensorflow/tfjs-node` 4.22, an optional peer dependency), named `tfjs-node`.
 *
 * The kernels are those of `@softmax-kit/backend-tfjs` (max subtracted before the temperature,
 * float32, blocked row sums), run by libtensorflow. Precision is probed at init.
 *
 * `@tensorflow/tfjs-node` needs its native binding, which its install script downloads; where it
 * did not run (pnpm 10 blocks dependency scripts by default; no internet access), `createSoftmax`
 * rejects with a `SoftmaxError` of code `BACKEND_UNAVAILABLE` whose message names the cause (the
 * underlying load error) and the command that fixes it.
 *
 * @example
 * ```ts
 * import { createSoftmax } from '@softmax-kit/core';
 * import { tfjsNodeBackend } from '@softmax-kit/backend-tfjs-node';
 *
 * const sm = await createSoftmax(tfjsNodeBackend());
 * await sm.logSoftmax([2, 1, 0.1]); // Float64Array [-0.417030, -1.417030, -2.317030]
 * await sm.dispose();
 * ```
 */
export function tfjsNodeBackend(): Backend {
  return tfjsEngineBackend({
    name: 'tfjs-node',
    tfjsBackendName: 'tensorflow',
    load: loadTfjsNode,
    fix: TFJS_NODE_FIX,
  });
}
