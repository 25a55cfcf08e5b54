import type { ConformanceReport } from './report.js';

declare const __SOFTMAX_KIT_BUILD_VERSIONS__: Record<string, string> | undefined;

/** Versions baked in at build time (tsup `define`); empty when running from source. */
export function buildVersions(): Record<string, string> {
  return typeof __SOFTMAX_KIT_BUILD_VERSIONS__ === 'undefined'
    ? { '@softmax-kit/conformance': 'source' }
    : { ...__SOFTMAX_KIT_BUILD_VERSIONS__ };
}

interface MaybeProcess {
  versions?: { node?: string };
  platform?: string;
  arch?: string;
}

/**
 * Describes where the suite runs, without any `node:` import (works in a browser bundle).
 *
 * @example
 * ```ts
 * detectEnvironment({ '@softmax-kit/backend-ts': '0.1.0' }).runtime; // 'node' or 'browser'
 * ```
 */
export function detectEnvironment(
  extraVersions: Record<string, string> = {},
): ConformanceReport['environment'] {
  const processLike = (globalThis as { process?: MaybeProcess }).process;
  const versions = { ...buildVersions(), ...extraVersions };
  if (processLike?.versions?.node) {
    return {
      runtime: 'node',
      runtimeVersion: `node v${processLike.versions.node}`,
      platform: `${processLike.platform ?? 'unknown'}-${processLike.arch ?? 'unknown'}`,
      versions,
    };
  }
  const nav = (globalThis as { navigator?: { userAgent?: string; platform?: string } }).navigator;
  return {
    runtime: 'browser',
    runtimeVersion: nav?.userAgent ?? 'unknown browser',
    platform: nav?.platform ?? 'unknown',
    versions,
  };
}

/** Milliseconds from a monotonic clock where there is one. */
export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
