/**
 * TensorFlow.js keeps one global engine per page or process (the engine object is stored on
 * `globalThis`, even across duplicate installs of `@tensorflow/tfjs-core`), and the active device
 * is a property of that engine. Two softmax-kit backends on different devices therefore share
 * it: each call must switch the engine to its device and keep it there until its result has been
 * read back. This module serialises those calls, one queue per engine.
 */

const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `task` after every task queued before it on the same engine has settled, and resolves or
 * rejects with `task`'s result. A failing task does not block the ones after it.
 *
 * @example
 * ```ts
 * const values = await withEngineLock(tf.engine(), async () => {
 *   await tf.setBackend('wasm');
 *   return tf.tidy(() => tf.exp(x)).data();
 * });
 * ```
 */
export function withEngineLock<T>(engine: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(engine) ?? Promise.resolve();
  const result = previous.then(task, task);
  // The queue continues after `result` settles either way; a rejection is the caller's to handle.
  queues.set(
    engine,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return result;
}
