/**
 * The conformance package, imported on first use (commands other than `conformance` and
 * `compare` never load it): its root entry (cases, reports, time limits) and its Node entry
 * (loading, the command with its watchdog process, report writers).
 */
export type ConformanceApi = typeof import('@softmax-kit/conformance') &
  typeof import('@softmax-kit/conformance/node');

/**
 * Imports the conformance suite's runner, loader and report writers.
 *
 * @example
 * ```ts
 * const { runConformanceCommand } = await loadConformanceApi();
 * ```
 */
export async function loadConformanceApi(): Promise<ConformanceApi> {
  const [root, node] = await Promise.all([
    import('@softmax-kit/conformance'),
    import('@softmax-kit/conformance/node'),
  ]);
  return { ...root, ...node };
}
