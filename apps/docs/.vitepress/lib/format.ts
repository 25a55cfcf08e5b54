/** Six significant digits, with exact limits spelled out (0, Infinity, NaN). */
export function formatNumber(value: number, digits = 6): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const abs = Math.abs(value);
  if (abs >= 1e-4 && abs < 1e6) return Number(value.toPrecision(digits)).toString();
  return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/** A short error/bound figure, e.g. `1.2e-7`. */
export function formatError(value: number | null): string {
  if (value === null) return '';
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  return value.toExponential(1).replace('.0e', 'e');
}

/** Bytes as kB (1000), one decimal. */
export function formatKb(bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 1000).toFixed(1)} kB`;
}

/** A duration or cost with up to 3 significant digits. */
export function formatSig(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  return `${Number(value.toPrecision(3))} ${unit}`;
}

/**
 * An element count as the bench's size names write it: `k` = 1024 and `M` = 1024^2 (so 32k is
 * 32768), plain digits otherwise. The CLI parses sizes the same way (`--sizes 32x1k`).
 */
export function formatCount(count: number): string {
  if (count >= 1024 * 1024 && count % (1024 * 1024) === 0) return `${count / (1024 * 1024)}M`;
  if (count >= 1024 && count % 1024 === 0) return `${count / 1024}k`;
  return String(count);
}

/** `32x1k` style size label from rows and cols (k = 1024, as the CLI's `--sizes`). */
export function sizeLabel(rows: number, cols: number): string {
  return `${formatCount(rows)}x${formatCount(cols)}`;
}
