import type { FloatArray } from './backend.js';
import { SoftmaxError } from './errors.js';

/**
 * An input seen as `outer x cols x inner` with the reduced axis in the middle: `rows = outer *
 * inner` rows of `cols` entries. Kernels get rows contiguous (axis last); when `inner > 1` core
 * gathers them into row layout and scatters the result back.
 */
export interface AxisLayout {
  readonly outer: number;
  readonly cols: number;
  readonly inner: number;
  readonly rows: number;
}

/**
 * Resolves `axis` (default -1) against `shape`. Rank 0 (`shape: []`, one value) is one row of
 * one entry; its axis may be omitted, -1 or 0 (SPEC). Throws `INVALID_AXIS`.
 */
export function axisLayout(shape: readonly number[], axis: number | undefined): AxisLayout {
  const rank = shape.length;
  const requested = axis ?? -1;
  if (rank === 0) {
    if (requested !== -1 && requested !== 0) {
      throw new SoftmaxError(
        'INVALID_AXIS',
        `option axis is ${requested}; a rank-0 input (shape []) accepts axis -1, 0 or none.`,
      );
    }
    return { outer: 1, cols: 1, inner: 1, rows: 1 };
  }
  if (!Number.isInteger(requested) || requested < -rank || requested >= rank) {
    throw new SoftmaxError(
      'INVALID_AXIS',
      `option axis is ${requested}; expected an integer in [${-rank}, ${rank - 1}] for shape [${shape.join(', ')}].`,
    );
  }
  const resolved = requested < 0 ? requested + rank : requested;
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < resolved; d++) outer *= shape[d] as number;
  for (let d = resolved + 1; d < rank; d++) inner *= shape[d] as number;
  const cols = shape[resolved] as number;
  return { outer, cols, inner, rows: outer * inner };
}

/**
 * Copies between the input's own layout and row layout: `toRows` gathers `source` (input
 * layout) into `target` (rows contiguous); otherwise scatters `source` (row layout) into
 * `target` (input layout). One loop for both directions, so they cannot disagree.
 */
export function moveAxis(
  layout: AxisLayout,
  source: FloatArray,
  target: FloatArray,
  toRows: boolean,
): void {
  const { outer, cols, inner } = layout;
  for (let o = 0, r = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++, r++) {
      const strided = o * cols * inner + i;
      const contiguous = r * cols;
      if (toRows) {
        for (let c = 0; c < cols; c++)
          target[contiguous + c] = source[strided + c * inner] as number;
      } else {
        for (let c = 0; c < cols; c++)
          target[strided + c * inner] = source[contiguous + c] as number;
      }
    }
  }
}

/** "[2, 5]" style index, in the input's shape, of column `column` of row `row`. */
export function inputIndex(
  layout: AxisLayout,
  shape: readonly number[],
  row: number,
  column: number,
): string {
  let flat =
    (Math.floor(row / layout.inner) * layout.cols + column) * layout.inner + (row % layout.inner);
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] as number;
    index.unshift(flat % size);
    flat = Math.floor(flat / size);
  }
  return `[${index.join(', ')}]`;
}
