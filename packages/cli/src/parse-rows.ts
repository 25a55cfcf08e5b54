import { parseNumber } from './parse-number.js';
import { UsageError } from './usage-error.js';

function rowFromJson(value: unknown, where: string): number[] {
  if (!Array.isArray(value))
    throw new UsageError(`${where}: expected a JSON array of numbers`, 'eval');
  return value.map((entry, column) => {
    if (typeof entry === 'number') return entry;
    // JSON has no NaN or Infinity: accept them as strings ("-Infinity", "NaN").
    const parsed = typeof entry === 'string' ? parseNumber(entry) : undefined;
    if (parsed === undefined) {
      throw new UsageError(
        `${where}, column ${column}: '${JSON.stringify(entry)}' is not a number`,
        'eval',
      );
    }
    return parsed;
  });
}

function rowsFromJson(text: string, where: string): number[][] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: invalid JSON (${(error as Error).message})`, 'eval');
  }
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => Array.isArray(entry))) {
    return value.map((row, index) => rowFromJson(row, `${where}, row ${index}`));
  }
  return [rowFromJson(value, where)];
}

function rowFromText(text: string, where: string): number[] {
  const tokens = text.split(/[\s,;]+/).filter((token) => token.length > 0);
  return tokens.map((token, column) => {
    const parsed = parseNumber(token);
    if (parsed === undefined) {
      throw new UsageError(`${where}, column ${column}: '${token}' is not a number`, 'eval');
    }
    return parsed;
  });
}

/**
 * Parses rows of logits from text: one row per line, entries separated by commas or whitespace,
 * or JSON (one array per line, or one array of arrays for the whole text). Blank lines and
 * lines starting with `#` are skipped. Throws a {@link UsageError} naming the line and column
 * of the first entry that is not a number.
 *
 * @example
 * ```ts
 * parseRows('2,1,0.1\n[3, 3, 3]\n1 -inf 1'); // [[2, 1, 0.1], [3, 3, 3], [1, -Infinity, 1]]
 * ```
 */
export function parseRows(text: string, source = 'stdin'): number[][] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[[')) return rowsFromJson(trimmed, source);
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const content = line.trim();
    if (content.length === 0 || content.startsWith('#')) return;
    const where = lines.length > 1 ? `${source} line ${index + 1}` : source;
    if (content.startsWith('[')) rows.push(...rowsFromJson(content, where));
    else rows.push(rowFromText(content, where));
  });
  return rows;
}
