/**
 * Formats a number to 6 significant digits without trailing zeros (`0.22722`, `1.5e-20`,
 * `-Infinity`).
 *
 * @example
 * ```ts
 * formatNumber(0.2272201); // '0.22722'
 * ```
 */
export function formatNumber(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  return String(Number(value.toPrecision(digits)));
}

/**
 * Renders rows as a plain-text table under a header: numbers right-aligned, text left-aligned.
 *
 * @example
 * ```ts
 * formatTable(['a', 'b'], [['1', '22']]); // 'a   b\n-  --\n1  22'
 * ```
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  // A loop, not Math.max(...lengths): spreading a long list into a call overflows the stack.
  const widths = header.map((title) => title.length);
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        // Numbers line up on the right; words (status, notes) read from the left.
        const numeric = /^[-+]?(\d|\.\d|Infinity|-$)/.test(cell);
        return column > 0 && numeric ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

/**
 * The first line of a message, cut to `max` characters with an ellipsis (for table cells; the
 * JSON reports keep the whole message).
 *
 * @example
 * ```ts
 * firstLine('a long reason\nmore', 6); // 'a lon…'
 * ```
 */
export function firstLine(text: string, max = 90): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}\u2026` : line;
}
