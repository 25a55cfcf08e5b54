import { UsageError } from '../usage-error.js';

/** One benchmark size: `rows` rows of `cols` entries, softmax over each row. */
export interface BenchSize {
  readonly label: string;
  readonly rows: number;
  readonly cols: number;
}

/**
 * The default sizes of `softmax-kit bench` (32x32k is where the tfjs goal is checked; 1x32k,
 * 1x128k and 1x256k are where sampling is measured).
 */
export const DEFAULT_SIZES = '1x10,1x1k,32x1k,1x32k,32x32k,1x128k,1x256k,32x128k,1x1M';

const SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };

function count(text: string, whole: string): number {
  const match = /^(\d+)([kKmM]?)$/.exec(text);
  const value = match ? Number(match[1]) * (SUFFIX[(match[2] ?? '').toLowerCase()] ?? 1) : 0;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(
      `bad size '${whole}': expected ROWSxCOLS with positive counts, e.g. 1x10, 32x1k, 1x1M`,
      'bench',
    );
  }
  return value;
}

/**
 * Parses `--sizes`: comma-separated `ROWSxCOLS`, where `k` means 1024 and `M` 1024^2.
 *
 * @example
 * ```ts
 * parseSizes('1x10,32x1k'); // [{ label: '1x10', rows: 1, cols: 10 }, { label: '32x1k', rows: 32, cols: 1024 }]
 * ```
 */
export function parseSizes(text: string): BenchSize[] {
  const labels = text
    .split(',')
    .map((label) => label.trim())
    .filter((label) => label.length > 0);
  if (labels.length === 0) throw new UsageError('--sizes is empty', 'bench');
  return labels.map((label) => {
    const parts = label.split(/x/i);
    if (parts.length !== 2) {
      throw new UsageError(
        `bad size '${label}': expected ROWSxCOLS, e.g. 1x10, 32x1k, 1x1M`,
        'bench',
      );
    }
    const rows = count(parts[0] as string, label);
    const cols = count(parts[1] as string, label);
    if (rows * cols > 2 ** 26) {
      throw new UsageError(`size '${label}' is too large (at most 2^26 elements)`, 'bench');
    }
    return { label, rows, cols };
  });
}
