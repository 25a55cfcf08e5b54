import { formatNumber } from '../format.js';
import { ChunkedOutput, jsonNumber, writeJsonArray } from './chunked-output.js';
import type { CommandIo } from './io.js';

/** One row of `softmax-kit eval`'s result. */
export interface EvalRow {
  readonly logits: ArrayLike<number>;
  readonly probabilities?: ArrayLike<number>;
  readonly logProbabilities: ArrayLike<number>;
}

/** The JSON document of `eval --json`, streamed; the same value `JSON.parse` reads back. */
export async function writeEvalJson(
  io: CommandIo,
  header: { backend: string; temperature: number; axis: number },
  rows: readonly EvalRow[],
): Promise<void> {
  const out = new ChunkedOutput(io);
  await out.write(
    `{\n  "backend": ${JSON.stringify(header.backend)},\n  "temperature": ${jsonNumber(header.temperature)},\n  "axis": ${header.axis},\n  "rows": [`,
  );
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    await out.write(`${index === 0 ? '' : ','}\n    {\n      "logits": `);
    await writeJsonArray(out, row.logits);
    if (row.probabilities !== undefined) {
      await out.write(',\n      "probabilities": ');
      await writeJsonArray(out, row.probabilities);
    }
    await out.write(',\n      "logProbabilities": ');
    await writeJsonArray(out, row.logProbabilities);
    await out.write('\n    }');
  }
  await out.write(`${rows.length > 0 ? '\n  ' : ''}]\n}\n`);
  await out.flush();
}

/** The cells of line `index` of a row's table: logit, [probability,] log-probability. */
function cells(row: EvalRow, index: number): string[] {
  const logit = formatNumber(row.logits[index]!);
  const logp = formatNumber(row.logProbabilities[index] ?? Number.NaN);
  return row.probabilities === undefined
    ? [logit, logp]
    : [logit, formatNumber(row.probabilities[index] ?? Number.NaN), logp];
}

/**
 * One table line as `formatTable` lays it out: the first column left-aligned, numbers
 * right-aligned, two spaces between columns, no trailing spaces.
 */
function tableLine(line: readonly string[], widths: readonly number[]): string {
  let text = '';
  for (let column = 0; column < line.length; column++) {
    const cell = line[column]!;
    const width = widths[column]!;
    const numeric = column > 0 && cell !== 'NaN' && /^[-+\d.I]/.test(cell);
    text += `${column === 0 ? '' : '  '}${numeric ? cell.padStart(width) : cell.padEnd(width)}`;
  }
  return text.trimEnd();
}

/**
 * The tables of `eval` (one per row, titled when there are several), streamed: column widths
 * from a first pass over the row, then the lines in pieces.
 */
export async function writeEvalTables(
  io: CommandIo,
  rows: readonly EvalRow[],
  options: { log: boolean; along: string },
): Promise<void> {
  const header = options.log
    ? ['logit', 'log-probability']
    : ['logit', 'probability', 'log-probability'];
  const out = new ChunkedOutput(io);
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row = rows[rowIndex]!;
    const widths = header.map((title) => title.length);
    for (let index = 0; index < row.logits.length; index++) {
      const line = cells(row, index);
      for (let column = 0; column < line.length; column++) {
        widths[column] = Math.max(widths[column]!, line[column]!.length);
      }
    }
    if (rowIndex > 0) await out.write('\n\n');
    if (rows.length > 1) await out.write(`row ${rowIndex}${options.along}\n`);
    await out.write(`${tableLine(header, widths)}\n`);
    await out.write(
      tableLine(
        widths.map((width) => '-'.repeat(width)),
        widths,
      ),
    );
    for (let index = 0; index < row.logits.length; index++) {
      if (out.add(`\n${tableLine(cells(row, index), widths)}`)) await out.flush();
    }
  }
  await out.write('\n');
  await out.flush();
}
