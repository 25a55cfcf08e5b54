/**
 * The output of `softmax-kit sample`, streamed through {@link ChunkedOutput}: a row at a time,
 * in ~1 MB pieces, so 10^6 rows never become one string (`JSON.stringify` of the whole result
 * died with "Invalid string length" past V8's 2^29-character limit).
 */
import type { SampleResult } from '@softmax-kit/sampling';
import { formatNumber } from '../format.js';
import { ChunkedOutput, jsonNumber, writeJsonArray } from './chunked-output.js';
import type { CommandIo } from './io.js';

/** One sampled row of the result. */
type SampledRow = SampleResult['rows'][number];

async function writeRowJson(
  out: ChunkedOutput,
  logits: readonly number[],
  row: SampledRow,
): Promise<void> {
  await out.write('\n    {\n      "logits": ');
  await writeJsonArray(out, logits);
  await out.write(',\n      "tokens": ');
  await writeJsonArray(out, row.tokens);
  await out.write(',\n      "logprobs": ');
  await writeJsonArray(out, row.logprobs);
  if (row.rawLogprobs) {
    await out.write(',\n      "rawLogprobs": ');
    await writeJsonArray(out, row.rawLogprobs);
  }
  await out.write(`,\n      "kept": ${row.kept}`);
  if (row.entropy !== undefined) await out.write(`,\n      "entropy": ${jsonNumber(row.entropy)}`);
  await out.write(',\n      "top": {\n        "tokens": ');
  await writeJsonArray(out, row.top?.tokens ?? []);
  await out.write(',\n        "logprobs": ');
  await writeJsonArray(out, row.top?.logprobs ?? []);
  await out.write('\n      },\n      "q": ');
  await writeJsonArray(out, row.q ?? []);
  await out.write('\n    }');
}

/**
 * `sample --json`: `{ backend, seed, rows: [{ logits, tokens, logprobs, [rawLogprobs,] kept,
 * entropy, top: { tokens, logprobs }, q }] }`, NaN and the infinities as strings (JSON has
 * none), written in pieces.
 *
 * @example
 * ```ts
 * await writeSampleJson(io, 'ts', rows, await sampler.sample(rows, { q: true, entropy: true }));
 * ```
 */
export async function writeSampleJson(
  io: CommandIo,
  backend: string,
  rows: readonly (readonly number[])[],
  result: SampleResult,
): Promise<void> {
  const out = new ChunkedOutput(io);
  const seed = Array.isArray(result.seed) ? null : (result.seed as number);
  await out.write(`{\n  "backend": ${JSON.stringify(backend)},\n  "seed": `);
  if (seed === null) await writeJsonArray(out, result.seed as readonly number[]);
  else await out.write(jsonNumber(seed));
  await out.write(',\n  "rows": [');
  for (let index = 0; index < result.rows.length; index++) {
    if (index > 0) await out.write(',');
    await writeRowJson(out, rows[index] ?? [], result.rows[index] as SampledRow);
  }
  await out.write(`${result.rows.length > 0 ? '\n  ' : ''}]\n}\n`);
  await out.flush();
}

/** The lines of one row of the text output. */
function rowLines(
  logits: readonly number[],
  row: SampledRow,
  index: number,
  settings: { several: boolean; shown: number },
): string[] {
  const lines: string[] = [''];
  if (settings.several) lines.push(`row ${index}`);
  lines.push(`tokens             ${[...row.tokens].join(' ')}`);
  lines.push(`log-probabilities  ${[...row.logprobs].map((v) => formatNumber(v)).join(' ')}`);
  if (row.rawLogprobs)
    lines.push(`raw log-softmax    ${[...row.rawLogprobs].map((v) => formatNumber(v)).join(' ')}`);
  lines.push(
    `kept ${row.kept} of ${logits.length} tokens, entropy of q ${formatNumber(row.entropy ?? 0)}`,
  );
  const top = row.top;
  if (!top) return lines;
  lines.push('', 'processed distribution q (kept tokens, in ranking order)');
  const table = [['token', 'logit', 'q', 'log q']];
  top.tokens.forEach((token, k) => {
    table.push([
      String(token),
      formatNumber(logits[token] ?? Number.NaN),
      formatNumber(row.q?.[token] ?? Number.NaN),
      formatNumber(top.logprobs[k] ?? Number.NaN),
    ]);
  });
  const widths = (table[0] as string[]).map((_, column) =>
    Math.max(...table.map((line) => (line[column] as string).length)),
  );
  for (const line of table)
    lines.push(
      line
        .map((cell, column) =>
          column === 0
            ? cell.padEnd(widths[column] as number)
            : cell.padStart(widths[column] as number),
        )
        .join('  ')
        .trimEnd(),
    );
  if (row.kept > settings.shown)
    lines.push(`... and ${row.kept - settings.shown} more kept tokens (--top-n to show them)`);
  return lines;
}

/**
 * `sample`'s text output: the seed, then per row its tokens, log-probabilities and the top of q,
 * written a row at a time.
 *
 * @example
 * ```ts
 * await writeSampleText(io, rows, result, 20);
 * ```
 */
export async function writeSampleText(
  io: CommandIo,
  rows: readonly (readonly number[])[],
  result: SampleResult,
  shown: number,
): Promise<void> {
  const out = new ChunkedOutput(io);
  await out.write(
    `seed ${String(result.seed)} (pass --seed ${String(result.seed)} to repeat this run)`,
  );
  const settings = { several: rows.length > 1, shown };
  for (let index = 0; index < result.rows.length; index++) {
    const lines = rowLines(rows[index] ?? [], result.rows[index] as SampledRow, index, settings);
    await out.write(`\n${lines.join('\n')}`);
  }
  await out.write('\n');
  await out.flush();
}
