import type { Operation, SyncSoftmax } from '@softmax-kit/core';
import { UsageError } from '../usage-error.js';

/**
 * The operations `softmax-kit bench --op` times, in SPEC's order: the one list, imported by the
 * command, the subjects, the peers and the peer checks.
 */
export const BENCH_OPS = [
  'softmax',
  'logSoftmax',
  'logSumExp',
] as const satisfies readonly Operation[];

/** One of {@link BENCH_OPS}. */
export type BenchOp = (typeof BENCH_OPS)[number];

/** The op a bench times when `--op` is not given. */
export const DEFAULT_OP: BenchOp = 'softmax';

/**
 * Reads `--op`: one of {@link BENCH_OPS}, exactly as spelled; anything else is a usage error
 * naming the accepted values.
 *
 * @example
 * ```ts
 * parseBenchOp('logSumExp', 'bench'); // 'logSumExp'
 * ```
 */
export function parseBenchOp(text: string, command: string): BenchOp {
  const found = BENCH_OPS.find((op) => op === text);
  if (found === undefined) {
    throw new UsageError(`--op must be one of ${BENCH_OPS.join(', ')}; got '${text}'`, command);
  }
  return found;
}

/**
 * Values per result of one call over `rows` x `cols`: every entry, or one per row for logSumExp.
 *
 * @example
 * ```ts
 * resultLength('logSumExp', 32, 1024); // 32
 * ```
 */
export function resultLength(op: BenchOp, rows: number, cols: number): number {
  return op === 'logSumExp' ? rows : rows * cols;
}

/** The synchronous method of each op on a `createSoftmax` instance. */
export const SYNC_METHODS = {
  softmax: 'softmaxSync',
  logSoftmax: 'logSoftmaxSync',
  logSumExp: 'logSumExpSync',
} as const satisfies Record<BenchOp, keyof SyncSoftmax>;
