import type { Backend, BackendCapabilities, Dtype, Softmax } from '@softmax-kit/core';
import type { PrecisionModel } from './precision.js';
import type { CheckGroup } from './report.js';
import type { Rng } from './rng.js';

/** What a case's `run` receives. */
export interface CaseContext {
  /** The softmax instance under test (the public API only). */
  readonly sm: Softmax;
  /** The backend object itself: used only for `doResourceCount` (resources group). */
  readonly backend: Backend;
  readonly capabilities: BackendCapabilities;
  /** The run's seed; `rng` is already seeded from it and the case id. */
  readonly seed: number;
  readonly rng: Rng;
  /** Precision model of a dtype on this backend (eps from the declared compute precision). */
  model(dtype: Dtype): PrecisionModel;
  /** Shared between cases of one run (e.g. a large reference row used by several cases). */
  readonly cache: Map<string, unknown>;
}

/** What a case's `run` resolves to. */
export interface CaseOutcome {
  readonly status: 'pass' | 'fail' | 'skip';
  /** The largest measured error (at the worst entry relative to its bound), or null. */
  readonly error: number | null;
  /** The bound at that entry, or null. */
  readonly bound: number | null;
  readonly reason?: string;
}

/** One check of SPEC's conformance table, as data. */
export interface ConformanceCase {
  /** Stable id, e.g. `accuracy.softmax.float32.n=1000`. */
  readonly id: string;
  readonly group: CheckGroup;
  /** A sentence saying what is checked. */
  readonly title: string;
  /** How the bound follows from eps and n (absent for exact or non-numeric checks). */
  readonly boundDerivation?: string;
  run(context: CaseContext): Promise<CaseOutcome>;
}

/** Thrown by a case to be reported as skipped, with the reason. */
export class SkipCase extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipCase';
  }
}

const fmt = (value: number): string =>
  Number.isFinite(value) && value !== 0 ? value.toPrecision(4) : String(value);

/**
 * Collects the checks of one case: numeric ones (error against bound; the worst ratio is what
 * the report shows) and plain requirements. The first failures are kept as the reason.
 */
export class Tracker {
  private worstRatio = -1;
  private worstError: number | null = null;
  private worstBound: number | null = null;
  private readonly failures: string[] = [];
  private failureCount = 0;

  /** Records `error <= bound` (NaN error fails; an infinite bound only rules out NaN). */
  check(error: number, bound: number, where: string | (() => string)): void {
    const ok = error <= bound;
    const ratio = Number.isNaN(error) ? Number.POSITIVE_INFINITY : error === 0 ? 0 : error / bound;
    if (ratio <= this.worstRatio && ok) return;
    if (ratio > this.worstRatio) {
      this.worstRatio = ratio;
      this.worstError = error;
      this.worstBound = bound;
    }
    if (!ok)
      this.fail(
        `${typeof where === 'string' ? where : where()}: error ${fmt(error)} exceeds bound ${fmt(bound)}`,
      );
  }

  /** Records a requirement that is not numeric. */
  require(condition: boolean, message: string | (() => string)): void {
    if (!condition) this.fail(typeof message === 'string' ? message : message());
  }

  fail(message: string): void {
    this.failureCount++;
    if (this.failures.length < 3) this.failures.push(message);
  }

  get failed(): boolean {
    return this.failureCount > 0;
  }

  /** The case's outcome. */
  outcome(): CaseOutcome {
    const numeric = this.worstError !== null;
    if (this.failureCount > 0) {
      const more = this.failureCount > 3 ? ` (and ${this.failureCount - 3} more)` : '';
      return {
        status: 'fail',
        error: numeric ? this.worstError : null,
        bound: numeric ? this.worstBound : null,
        reason: this.failures.join('; ') + more,
      };
    }
    return {
      status: 'pass',
      error: numeric ? this.worstError : null,
      bound: numeric ? this.worstBound : null,
    };
  }
}
