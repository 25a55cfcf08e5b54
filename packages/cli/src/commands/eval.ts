import {
  DEFAULT_TIME_LIMITS,
  TimeLimitExceeded,
  withTimeLimit,
} from '@softmax-kit/conformance/time-limits';
import type { Softmax } from '@softmax-kit/core';
import { SoftmaxError } from '@softmax-kit/core';
import { openSoftmax } from '../open-softmax.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { numberOption, parseNumber } from '../parse-number.js';
import { UsageError } from '../usage-error.js';
import { type EvalRow, writeEvalJson, writeEvalTables } from './eval-output.js';
import type { CommandIo } from './io.js';
import { checkBackendSpec, readCommandRows } from './rows-input.js';

export const EVAL_USAGE = `softmax-kit eval <row>... [--temperature T] [--log] [--axis A] [--backend NAME|PATH] [--json]
  Rows of logits, e.g. 2,1,0.1 (comma or space separated, or JSON arrays); with no rows, reads
  stdin (one row per line). --temperature accepts 0 and inf. --log prints only log-probabilities.`;

const OPTIONS = {
  temperature: { type: 'string', short: 't' },
  log: { type: 'boolean' },
  axis: { type: 'string' },
  backend: { type: 'string', default: 'ts' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function compute(
  sm: Softmax,
  rows: number[][],
  options: { temperature: number; axis: number | undefined; log: boolean },
): Promise<EvalRow[]> {
  const lastAxis = options.axis === undefined || options.axis === -1 || options.axis === 1;
  const common = { temperature: options.temperature };
  if (lastAxis) {
    // Row by row, so rows of different lengths are fine along the last axis.
    const results: EvalRow[] = [];
    for (const row of rows) {
      const logProbabilities = await sm.logSoftmax(row, common);
      const probabilities = options.log ? undefined : await sm.softmax(row, common);
      results.push({ logits: row, logProbabilities, ...(probabilities ? { probabilities } : {}) });
    }
    return results;
  }
  const axisOptions = { ...common, axis: options.axis };
  const logFlat = await sm.logSoftmax(rows, axisOptions);
  const flat = options.log ? undefined : await sm.softmax(rows, axisOptions);
  let offset = 0;
  return rows.map((row) => {
    const start = offset;
    offset += row.length;
    const logProbabilities = logFlat.subarray(start, offset);
    const probabilities = flat?.subarray(start, offset);
    return { logits: row, logProbabilities, ...(probabilities ? { probabilities } : {}) };
  });
}

/**
 * `softmax-kit eval`: softmax and log-softmax of rows given as arguments or on stdin.
 *
 * @example
 * ```ts
 * await evalCommand(['2,1,0.5', '--temperature', '2'], io); // prints 0.481024, 0.291756, 0.22722
 * ```
 */
export async function evalCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'eval', {
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout(`${EVAL_USAGE}\n`);
    return 0;
  }
  const temperature =
    values.temperature === undefined
      ? 1
      : numberOption('--temperature', values.temperature, 'eval');
  let axis: number | undefined;
  if (values.axis !== undefined) {
    const value = parseNumber(values.axis);
    if (value === undefined || !Number.isInteger(value)) {
      throw new UsageError(`--axis must be an integer, got '${values.axis}'`, 'eval');
    }
    axis = value;
  }
  const backendSpec = values.backend;
  checkBackendSpec(backendSpec, 'eval');
  const rows = await readCommandRows(positionals, io, 'eval');

  // a backend that never settles ends as an error (exit 1), not as a silent exit 0
  const opened = await openSoftmax(backendSpec, io);
  if (opened === null) return 1;
  const { sm } = opened;
  try {
    const results = await withTimeLimit(
      () => compute(sm, rows, { temperature, axis, log: values.log === true }),
      DEFAULT_TIME_LIMITS.caseMs,
      `backend '${opened.id}' computing the rows`,
    );
    if (values.json) {
      await writeEvalJson(io, { backend: sm.backend.name, temperature, axis: axis ?? -1 }, results);
      return 0;
    }
    const along =
      axis === undefined || axis === -1 || axis === 1 ? '' : ` (softmax along axis ${axis})`;
    await writeEvalTables(io, results, { log: values.log === true, along });
    return 0;
  } catch (error) {
    if (error instanceof TimeLimitExceeded) {
      io.stderr(`softmax-kit: ${error.message}\n`);
      return 1;
    }
    if (SoftmaxError.isInstance(error)) {
      // A bad temperature or axis is a bad argument (exit 2); bad logits are bad data (exit 1).
      if (error.code === 'INVALID_TEMPERATURE' || error.code === 'INVALID_AXIS') {
        throw new UsageError(error.message, 'eval');
      }
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
