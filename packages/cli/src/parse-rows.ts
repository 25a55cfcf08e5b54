import { readNumber } from './parse-number.js';
import { UsageError } from './usage-error.js';

/** Longest piece of a bad entry quoted in a message (a 100 MB line must not be echoed back). */
const QUOTE_LIMIT = 40;

function quote(text: string): string {
  return `'${text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}\u2026` : text}'`;
}

/** Where a row came from, for messages: `stdin line 3, row 2`. */
interface RowPlace {
  readonly where: string;
  readonly row: number;
}

function fail(place: RowPlace, column: number, problem: string): never {
  throw new UsageError(`${place.where}, row ${place.row}, column ${column}: ${problem}`, 'eval');
}

function rowFromJson(value: unknown, place: RowPlace): number[] {
  if (!Array.isArray(value)) {
    throw new UsageError(
      `${place.where}, row ${place.row}: expected a JSON array of numbers`,
      'eval',
    );
  }
  const row = new Array<number>(value.length);
  for (let column = 0; column < value.length; column++) {
    const entry: unknown = value[column];
    if (typeof entry === 'number') {
      // JSON has no Infinity literal: an infinite number here is a decimal that overflowed.
      if (!Number.isFinite(entry)) {
        fail(
          place,
          column,
          'a number beyond the float64 range (about ±1.8e308); write "inf" or "-inf" for an infinity',
        );
      }
      row[column] = entry;
      continue;
    }
    // JSON has no NaN or Infinity: accept them as strings ("-Infinity", "NaN").
    const reading = typeof entry === 'string' ? readNumber(entry) : { problem: 'is not a number' };
    if ('problem' in reading)
      fail(place, column, `${quote(JSON.stringify(entry) ?? String(entry))} ${reading.problem}`);
    row[column] = reading.value;
  }
  return row;
}

function rowsFromJson(text: string, where: string, firstRow: number, into: number[][]): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where}: invalid JSON (${(error as Error).message})`, 'eval');
  }
  if (Array.isArray(value) && value.length > 0 && value.every((entry) => Array.isArray(entry))) {
    for (let index = 0; index < value.length; index++) {
      into.push(rowFromJson(value[index], { where, row: firstRow + index }));
    }
    return;
  }
  into.push(rowFromJson(value, { where, row: firstRow }));
}

const COMMA = 0x2c;
const SEMICOLON = 0x3b;

function isSpace(code: number): boolean {
  // space, tab, line feed, vertical tab, form feed, carriage return, no-break space
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0;
}

/**
 * One text row: entries separated by whitespace, or by one comma or semicolon with optional
 * whitespace around it. Two separators with nothing between (`1,,2`), or one at either end, is
 * an empty field and an error: it is never skipped. A char-by-char scan, so a 10^7-entry line
 * costs no array of 10^7 substrings.
 */
function rowFromText(line: string, place: RowPlace): number[] {
  const row: number[] = [];
  const length = line.length;
  let index = 0;
  let afterSeparator = false;
  for (;;) {
    while (index < length && isSpace(line.charCodeAt(index))) index++;
    if (index >= length) {
      if (afterSeparator) fail(place, row.length, 'empty field (nothing after the last separator)');
      return row;
    }
    const code = line.charCodeAt(index);
    if (code === COMMA || code === SEMICOLON) {
      if (row.length === 0) fail(place, 0, 'empty field (the row starts with a separator)');
      if (afterSeparator) {
        fail(place, row.length, 'empty field (two separators with nothing between them)');
      }
      afterSeparator = true;
      index++;
      continue;
    }
    const start = index;
    while (index < length) {
      const next = line.charCodeAt(index);
      if (next === COMMA || next === SEMICOLON || isSpace(next)) break;
      index++;
    }
    const token = line.slice(start, index);
    const reading = readNumber(token);
    if ('problem' in reading) fail(place, row.length, `${quote(token)} ${reading.problem}`);
    row.push(reading.value);
    afterSeparator = false;
  }
}

/**
 * Parses rows of logits from text: one row per line, entries separated by whitespace or by
 * commas (or semicolons), or JSON (one array per line, or one array of arrays for the whole
 * text). Blank lines and lines starting with `#` are skipped. Throws a {@link UsageError} naming
 * the line, the row and the column of the first bad entry: one that is not a number, an empty
 * field (`1,,2`), or a decimal beyond the float64 range (`1e400`; `inf` is how to write an
 * infinity). Rows are numbered from `firstRow`.
 *
 * @example
 * ```ts
 * parseRows('2,1,0.1\n[3, 3, 3]\n1 -inf 1'); // [[2, 1, 0.1], [3, 3, 3], [1, -Infinity, 1]]
 * parseRows('1,,2'); // throws: stdin, row 0, column 1: empty field (two separators with nothing between them)
 * ```
 */
export function parseRows(text: string, source = 'stdin', firstRow = 0): number[][] {
  const rows: number[][] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('[[')) {
    rowsFromJson(trimmed, source, firstRow, rows);
    return rows;
  }
  // a line ends at \n, \r\n or a lone \r (old Mac files, some terminals)
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const content = (lines[index] ?? '').trim();
    if (content.length === 0 || content.startsWith('#')) continue;
    const where = lines.length > 1 ? `${source} line ${index + 1}` : source;
    const row = firstRow + rows.length;
    if (content.startsWith('[')) rowsFromJson(content, where, row, rows);
    else rows.push(rowFromText(content, { where, row }));
  }
  return rows;
}
