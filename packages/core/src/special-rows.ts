import type { FloatArray, Operation } from './backend.js';
import type { MaskedPolicy } from './read-options.js';
import { RowKind } from './scan-rows.js';

/** One non-regular row to write: where to read it and where its exact value goes. */
export interface SpecialRow {
  readonly operation: Operation;
  /** Its {@link RowKind} (not `REGULAR`). */
  readonly kind: number;
  readonly source: FloatArray;
  readonly sourceOffset: number;
  readonly cols: number;
  readonly rowMax: number;
  readonly allMasked: MaskedPolicy;
  /** Receives `cols` values (one for logSumExp) at `targetOffset`; may be `source` itself. */
  readonly target: FloatArray;
  readonly targetOffset: number;
}

/**
 * Writes the exact SPEC value of one non-regular row (see {@link RowKind}).
 *
 * Each case is a limit with `k` entries sharing the mass equally, so softmax gives `1/k` there
 * and 0 elsewhere, and logSoftmax gives `-log(k)` there and -Infinity elsewhere:
 * - +Infinity in the row: the `k` +Infinity entries (the limit of growing one logit);
 * - T = 0: the `k` entries equal to the row max (the argmax limit);
 * - T = Infinity: the `k` entries that are not -Infinity (the uniform limit).
 * `0 - Math.log(k)` keeps `log(1)` a positive zero. In place (`target === source`) each entry
 * is read before it is written.
 */
export function writeSpecialRow(row: SpecialRow): void {
  const { kind, source, sourceOffset, cols, rowMax, target, targetOffset } = row;
  if (row.operation === 'logSumExp') {
    target[targetOffset] =
      kind === RowKind.NAN
        ? Number.NaN
        : kind === RowKind.POSITIVE_INFINITY
          ? Number.POSITIVE_INFINITY
          : Number.NEGATIVE_INFINITY; // ALL_MASKED (temperature kinds never reach logSumExp)
    return;
  }
  if (kind === RowKind.NAN || (kind === RowKind.ALL_MASKED && row.allMasked === 'nan')) {
    target.fill(Number.NaN, targetOffset, targetOffset + cols);
    return;
  }
  const isLog = row.operation === 'logSoftmax';
  const off = isLog ? Number.NEGATIVE_INFINITY : 0;
  if (kind === RowKind.ALL_MASKED) {
    target.fill(off, targetOffset, targetOffset + cols);
    return;
  }
  const shares = (value: number): boolean =>
    kind === RowKind.INFINITE_TEMPERATURE ? value > Number.NEGATIVE_INFINITY : value === rowMax;
  let k = 0;
  for (let c = 0; c < cols; c++) if (shares(source[sourceOffset + c] as number)) k++;
  const on = isLog ? 0 - Math.log(k) : 1 / k;
  for (let c = 0; c < cols; c++) {
    target[targetOffset + c] = shares(source[sourceOffset + c] as number) ? on : off;
  }
}
