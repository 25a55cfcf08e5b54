import type { Backend } from '@softmax-kit/core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildCases } from './catalog.js';
import { PROFILES, type Profile, parseProfile } from './profile.js';
import type { CaseResult, ConformanceReport } from './report.js';
import {
  type ConformanceOptions,
  type ConformanceSession,
  createConformanceSession,
} from './run-conformance.js';
import { resolveTimeLimits } from './time-limits.js';

/** Options of {@link describeConformance}. */
export interface DescribeConformanceOptions extends Omit<ConformanceOptions, 'onProgress'> {
  /**
   * Receives the report when the suite finishes (e.g. to write it through a vitest browser
   * command). Default: in Node, write `<dir>/<name>.json` and `.junit.xml` when `reportDir` or
   * the `SOFTMAX_KIT_REPORT_DIR` environment variable is set; otherwise nothing.
   */
  readonly onReport?: (report: ConformanceReport, name: string) => void | Promise<void>;
  /**
   * Folder for the default writer (Node only). `'1'`/`'true'` mean `<repo root>/reports/conformance`;
   * a relative path is resolved from the repo root (the folder with pnpm-workspace.yaml).
   */
  readonly reportDir?: string;
  /**
   * vitest's own timeout per test in ms (default: the suite's case time limit plus 30 s, so the
   * suite's limit fires first and reports the case as timed out).
   */
  readonly timeout?: number;
}

/**
 * The profile of a vitest run when none is given: `SOFTMAX_KIT_CONFORMANCE_PROFILE` (`fast` or
 * `full`) where set, else `'fast'`: a test suite runs in CI on every change.
 */
function profileFromEnvironment(): Profile {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const text = env?.SOFTMAX_KIT_CONFORMANCE_PROFILE;
  if (text === undefined || text === '') return 'fast';
  const profile = parseProfile(text);
  if (profile === null)
    throw new Error(
      `SOFTMAX_KIT_CONFORMANCE_PROFILE must be ${PROFILES.join(' or ')}, not '${text}'`,
    );
  return profile;
}

function failureMessage(result: CaseResult): string {
  const numbers =
    result.error !== null && result.bound !== null
      ? `\nmeasured error ${result.error} > bound ${result.bound}`
      : '';
  const derivation = result.boundDerivation ? `\nbound: ${result.boundDerivation}` : '';
  return `${result.id} failed: ${result.reason ?? 'no reason given'}${numbers}${derivation}`;
}

async function defaultReportWriter(
  report: ConformanceReport,
  name: string,
  reportDir: string | undefined,
): Promise<void> {
  const env = (
    globalThis as {
      process?: { env?: Record<string, string | undefined>; versions?: { node?: string } };
    }
  ).process;
  const dir = reportDir ?? env?.env?.SOFTMAX_KIT_REPORT_DIR;
  if (!dir || !env?.versions?.node) return;
  const { writeReport, resolveReportDir, installedVersions } = await import('./node.js');
  const versions = { ...report.environment.versions, ...installedVersions() };
  await writeReport(
    { ...report, environment: { ...report.environment, versions } },
    resolveReportDir(dir),
    name,
  );
}

/**
 * Registers the conformance suite as vitest tests: one `describe` for the backend, one `it` per
 * case (failing with the measured error, the bound and its derivation; skipped cases with the
 * reason). When the backend cannot load (its own `BACKEND_UNAVAILABLE`), every case is skipped
 * with the reason, which is also printed; any other init failure fails every case. A case that
 * overruns the case time limit fails, and the cases after it fail as "not run after a timeout". A backend's conformance test file is then a few lines.
 *
 * @param name - the report id, e.g. `'ts'`, `'tfjs-wasm'`, `'tfjs-webgl-browser'`
 * @param makeBackend - creates a fresh backend instance (called once, in `beforeAll`)
 * @example
 * ```ts
 * // packages/backend-ts/src/conformance.test.ts
 * import { describeConformance } from '@softmax-kit/conformance/vitest';
 * import { tsBackend } from './index.js';
 *
 * describeConformance('ts', () => tsBackend(), { sizes: [1, 10, 1000, 100_000, 1_000_000] });
 * ```
 */
export function describeConformance(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  options: DescribeConformanceOptions = {},
): void {
  const limits = resolveTimeLimits(options.timeLimits);
  const timeout = options.timeout ?? Math.max(limits.caseMs, limits.initMs) + 30_000;
  const profile = options.profile ?? profileFromEnvironment();
  const all = buildCases({ sizes: options.sizes, profile });
  const cases = options.filter ? all.filter((c) => options.filter?.(c)) : all;
  describe(`softmax-kit conformance: ${name}`, () => {
    let session: ConformanceSession | null = null;
    let unavailable: string | null = null;

    beforeAll(async () => {
      const backend = await makeBackend();
      session = createConformanceSession(backend, { ...options, profile });
      unavailable = await session.start();
      if (unavailable !== null)
        console.warn(`[softmax-kit conformance] ${name}: no check runs: ${unavailable}`);
    }, timeout);

    for (const testCase of cases) {
      it(
        `${testCase.id}: ${testCase.title}`,
        async (context) => {
          if (session === null) throw new Error('the conformance session did not start');
          const result = await session.runCase(testCase.id);
          if (result.status === 'skip') context.skip(result.reason ?? 'skipped');
          if (result.status === 'fail') throw new Error(failureMessage(result));
        },
        timeout,
      );
    }

    afterAll(async () => {
      if (session === null) return;
      const report = await session.finish();
      if (options.onReport) await options.onReport(report, name);
      else await defaultReportWriter(report, name, options.reportDir);
    }, timeout);
  });
}
