import type { ConformanceOptions, ConformanceReport } from '@softmax-kit/conformance';
import type { Backend } from '@softmax-kit/core';

/** What the CLI uses from `@softmax-kit/conformance`, loaded lazily. */
export interface ConformanceApi {
  runConformance(backend: Backend, options?: ConformanceOptions): Promise<ConformanceReport>;
  readonly DEFAULT_SEED: number;
  /** The suite's check groups, for validating `--group`. */
  readonly CHECK_GROUPS: readonly string[];
  toJUnit?(report: ConformanceReport | ConformanceReport[]): string;
  formatSummary?(reports: ConformanceReport[]): string;
}

/**
 * Imports the conformance suite's runner and report writers (root export, then `/node`).
 *
 * @example
 * ```ts
 * const { runConformance } = await loadConformanceApi();
 * ```
 */
export async function loadConformanceApi(): Promise<ConformanceApi> {
  const merged: Record<string, unknown> = {};
  for (const specifier of ['@softmax-kit/conformance', '@softmax-kit/conformance/node']) {
    try {
      Object.assign(merged, await import(specifier));
    } catch {
      // a subpath may not exist in this version
    }
  }
  if (typeof merged.runConformance !== 'function') {
    // The suite is a dependency of the CLI; this only happens in a broken install.
    throw new Error(
      '@softmax-kit/conformance is not installed or exports no runConformance(); install it with: pnpm add @softmax-kit/conformance',
    );
  }
  return merged as unknown as ConformanceApi;
}
