import { parseArgs } from 'node:util';
import {
  DEFAULT_TIME_LIMITS,
  TimeLimitExceeded,
  withTimeLimit,
} from '@softmax-kit/conformance/time-limits';
import { SoftmaxError } from '@softmax-kit/core';
import { createDecoder, type ScoreResult } from '@softmax-kit/sampling';
import { formatNumber } from '../format.js';
import { openSoftmax } from '../open-softmax.js';
import { numberOption } from '../parse-number.js';
import { UsageError } from '../usage-error.js';
import type { CommandIo } from './io.js';
import { checkBackendSpec, readCommandRows } from './rows-input.js';

/** The usage text of `softmax-kit score`. */
export const SCORE_USAGE = `softmax-kit score <row>... --targets ID,... [--backend NAME|PATH] [--json]
  Scores a text (SPEC "Sampling (v1.1)", score): for each row of logits (one position) the
  log-probability of its target token under logSoftmax(x) at T = 1, then their sum, the mean
  negative log-likelihood and the perplexity exp(mean NLL). Rows as for eval (arguments, or stdin
  one per line); one target id per row.
    --targets ID,...           the target token of each row, in row order
    --backend NAME|PATH        the backend (default ts)
    --json                     print JSON`;

const OPTIONS = {
  targets: { type: 'string' },
  backend: { type: 'string', default: 'ts' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const jsonNumber = (value: number) => (Number.isFinite(value) ? value : String(value));

function toText(targets: readonly number[], result: ScoreResult): string {
  const lines = ['position  target  log-probability'];
  result.logprobs.forEach((logprob, row) => {
    lines.push(
      `${String(row).padStart(8)}  ${String(targets[row]).padStart(6)}  ${formatNumber(logprob)}`,
    );
  });
  lines.push(
    '',
    `sum ${formatNumber(result.sum)}, mean NLL ${formatNumber(result.meanNll)}, perplexity ${formatNumber(result.perplexity)}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * `softmax-kit score`: per-position log-probabilities and the perplexity of target tokens with
 * `@softmax-kit/sampling`'s `score`.
 *
 * @example
 * ```ts
 * await scoreCommand(['2,1,0.1', '0,3,1', '--targets', '0,1'], io);
 * ```
 */
export async function scoreCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'score');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${SCORE_USAGE}\n`);
    return 0;
  }
  if (values.targets === undefined)
    throw new UsageError('--targets is required: one target token id per row', 'score');
  const targets = values.targets
    .split(/[\s,]+/)
    .filter((part) => part.length > 0)
    .map((part) => {
      const id = numberOption('--targets', part, 'score');
      if (!Number.isSafeInteger(id) || id < 0)
        throw new UsageError(`--targets takes token ids (integers >= 0), got '${part}'`, 'score');
      return id;
    });
  const backendSpec = values.backend;
  checkBackendSpec(backendSpec, 'score');
  const rows = await readCommandRows(positionals, io, 'score');
  const n = rows[0]!.length;
  const ragged = rows.findIndex((row) => row.length !== n);
  if (ragged >= 0)
    throw new UsageError(
      `row ${ragged} has ${rows[ragged]!.length} logits, row 0 has ${n}: one call scores rows of one length`,
      'score',
    );
  if (targets.length !== rows.length)
    throw new UsageError(
      `--targets has ${targets.length} ids for ${rows.length} rows; give one per row`,
      'score',
    );
  const opened = await openSoftmax(backendSpec, io);
  if (opened === null) return 1;
  const { sm } = opened;
  try {
    const decoder = createDecoder(sm);
    const result = await withTimeLimit(
      () => decoder.score(rows, { targets }),
      DEFAULT_TIME_LIMITS.caseMs,
      `backend '${opened.id}' scoring the rows`,
    );
    io.stdout(
      values.json
        ? `${JSON.stringify(
            {
              backend: sm.backend.name,
              targets,
              logprobs: [...result.logprobs].map(jsonNumber),
              sum: jsonNumber(result.sum),
              meanNll: jsonNumber(result.meanNll),
              perplexity: jsonNumber(result.perplexity),
            },
            null,
            2,
          )}\n`
        : toText(targets, result),
    );
    await io.drain?.();
    return 0;
  } catch (error) {
    if (error instanceof TimeLimitExceeded) {
      io.stderr(`softmax-kit: ${error.message}\n`);
      return 1;
    }
    if (SoftmaxError.isInstance(error)) {
      if (error.code === 'INVALID_INPUT') throw new UsageError(error.message, 'score');
      io.stderr(`softmax-kit: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await withTimeLimit(() => sm.dispose(), DEFAULT_TIME_LIMITS.caseMs, 'dispose()').catch(
      () => {},
    );
  }
}
