import { parseArgs } from 'node:util';
import {
  DEFAULT_TIME_LIMITS,
  TimeLimitExceeded,
  withTimeLimit,
} from '@softmax-kit/conformance/time-limits';
import { SoftmaxError } from '@softmax-kit/core';
import { createSampler, type SampleOptions } from '@softmax-kit/sampling';
import { openSoftmax } from '../open-softmax.js';
import { numberOption, readNumber } from '../parse-number.js';
import { UsageError } from '../usage-error.js';
import type { CommandIo } from './io.js';
import { checkBackendSpec, readCommandRows } from './rows-input.js';
import { writeSampleJson, writeSampleText } from './sample-output.js';

export const SAMPLE_USAGE = `softmax-kit sample <row>... [-n N] [--seed S] [--step K] [-t T] [--top-k K] [--top-p P] [--min-p P]
    [--bias ID:V,...] [--allowed ID,...] [--history ID,...] [--repetition-penalty R]
    [--presence-penalty A] [--frequency-penalty F] [--top-n N] [--raw-logprobs] [--backend NAME|PATH] [--json]
  Draws tokens from rows of logits (SPEC "Sampling (v1)"): prints the tokens, their log-probabilities
  under the processed distribution q, and q itself (kept tokens in ranking order, the first --top-n,
  default 20). Rows as for eval (arguments, or stdin one per line); all rows of one call have one
  length. -n draws per row (default 1); --seed reproduces a run (without it one is drawn and printed);
  --step is the first step of the generator (draw k uses step + k). --temperature accepts 0
  (greedy) and inf. --bias takes token:value pairs (value may be -inf: a ban).`;

const OPTIONS = {
  draws: { type: 'string', short: 'n' },
  seed: { type: 'string' },
  step: { type: 'string' },
  temperature: { type: 'string', short: 't' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'min-p': { type: 'string' },
  bias: { type: 'string' },
  allowed: { type: 'string' },
  history: { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'presence-penalty': { type: 'string' },
  'frequency-penalty': { type: 'string' },
  'top-n': { type: 'string' },
  'raw-logprobs': { type: 'boolean' },
  backend: { type: 'string', default: 'ts' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const VALUED = new Set(
  Object.entries(OPTIONS).flatMap(([name, spec]) =>
    spec.type === 'string' ? [`--${name}`, ...('short' in spec ? [`-${spec.short}`] : [])] : [],
  ),
);

/** Lets negative numbers be rows (`sample -1,2`) and option values (`--presence-penalty -1`). */
function protectNegatives(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const previous = out[out.length - 1];
    const numeric = /^-(\d|\.\d|inf)/i.test(arg);
    if (numeric && previous !== undefined && VALUED.has(previous)) {
      out[out.length - 1] = previous.startsWith('--') ? `${previous}=${arg}` : `${previous}${arg}`;
    } else if (numeric) out.push(`\u2212${arg.slice(1)}`);
    else out.push(arg);
  }
  return out;
}

function integerOption(option: string, value: string): number {
  const number = numberOption(option, value, 'sample');
  if (!Number.isSafeInteger(number))
    throw new UsageError(`${option} must be an integer, got '${value}'`, 'sample');
  return number;
}

function idList(option: string, value: string): number[] {
  const text = value.trim();
  if (text.length === 0) return [];
  return text.split(/[\s,]+/).map((part) => integerOption(option, part));
}

function biasMap(value: string): Map<number, number> {
  const bias = new Map<number, number>();
  for (const pair of value.split(/[\s,]+/).filter((part) => part.length > 0)) {
    const [id, amount, ...rest] = pair.split(':');
    if (id === undefined || amount === undefined || rest.length > 0)
      throw new UsageError(`--bias takes token:value pairs, got '${pair}'`, 'sample');
    const reading = readNumber(amount);
    if ('problem' in reading)
      throw new UsageError(
        `--bias value for token ${id} ${reading.problem}: '${amount}'`,
        'sample',
      );
    bias.set(integerOption('--bias', id), reading.value);
  }
  return bias;
}

type Values = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>['values'];

function sampleOptions(values: Values): SampleOptions {
  const number = (option: keyof Values, integer = false) => {
    const value = values[option];
    if (typeof value !== 'string') return undefined;
    return integer
      ? integerOption(`--${option}`, value)
      : numberOption(`--${option}`, value, 'sample');
  };
  const entries: [keyof SampleOptions, unknown][] = [
    ['draws', number('draws', true)],
    ['seed', number('seed', true)],
    ['step', number('step', true)],
    ['temperature', number('temperature')],
    ['topK', number('top-k', true)],
    ['topP', number('top-p')],
    ['minP', number('min-p')],
    ['repetitionPenalty', number('repetition-penalty')],
    ['presencePenalty', number('presence-penalty')],
    ['frequencyPenalty', number('frequency-penalty')],
    ['bias', values.bias === undefined ? undefined : biasMap(values.bias)],
    ['allowed', values.allowed === undefined ? undefined : idList('--allowed', values.allowed)],
    ['history', values.history === undefined ? undefined : idList('--history', values.history)],
    ['rawLogprobs', values['raw-logprobs'] === true ? true : undefined],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as SampleOptions;
}

/**
 * `softmax-kit sample`: draws tokens from rows of logits with `@softmax-kit/sampling`.
 *
 * @example
 * ```ts
 * await sampleCommand(['2,1,0.1', '--top-p', '0.9', '--seed', '7', '-n', '20'], io);
 * ```
 */
export async function sampleCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: protectNegatives(args), options: OPTIONS, allowPositionals: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'sample');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${SAMPLE_USAGE}\n`);
    return 0;
  }
  const options = sampleOptions(values);
  const shown = values['top-n'] === undefined ? 20 : integerOption('--top-n', values['top-n']);
  const backendSpec = values.backend;
  checkBackendSpec(backendSpec, 'sample');
  const rows = await readCommandRows(positionals, io, 'sample');
  const n = rows[0]!.length;
  const ragged = rows.findIndex((row) => row.length !== n);
  if (ragged >= 0)
    throw new UsageError(
      `row ${ragged} has ${rows[ragged]!.length} logits, row 0 has ${n}: one call samples rows of one length`,
      'sample',
    );

  // a backend that never settles ends as an error (exit 1), not as a silent exit 0
  const opened = await openSoftmax(backendSpec, io);
  if (opened === null) return 1;
  const { sm } = opened;
  try {
    const sampler = createSampler(sm);
    const result = await withTimeLimit(
      () => sampler.sample(rows, { ...options, q: true, entropy: true, topN: Math.max(0, shown) }),
      DEFAULT_TIME_LIMITS.caseMs,
      `backend '${opened.id}' sampling the rows`,
    );
    if (values.json) await writeSampleJson(io, sm.backend.name, rows, result);
    else await writeSampleText(io, rows, result, shown);
    return 0;
  } catch (error) {
    if (error instanceof TimeLimitExceeded) {
      io.stderr(`softmax-kit: ${error.message}\n`);
      return 1;
    }
    if (SoftmaxError.isInstance(error)) {
      // A bad parameter is a bad argument (exit 2); bad logits (NaN, all masked) are bad data (exit 1).
      if (error.code === 'INVALID_TEMPERATURE' || error.code === 'INVALID_INPUT')
        throw new UsageError(error.message, 'sample');
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
