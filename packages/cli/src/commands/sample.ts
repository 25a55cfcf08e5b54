import { parseArgs } from 'node:util';
import {
  DEFAULT_TIME_LIMITS,
  TimeLimitExceeded,
  withTimeLimit,
} from '@softmax-kit/conformance/time-limits';
import { SoftmaxError } from '@softmax-kit/core';
import {
  createSampler,
  type OptionKind,
  type OptionSpec,
  SAMPLE_OPTIONS,
  type SampleOptions,
} from '@softmax-kit/sampling';
import { openSoftmax } from '../open-softmax.js';
import { numberOption, readNumber } from '../parse-number.js';
import { UsageError } from '../usage-error.js';
import type { CommandIo } from './io.js';
import { checkBackendSpec, readCommandRows } from './rows-input.js';
import { writeSampleJson, writeSampleText } from './sample-output.js';

/** The table's options that have a flag (the outputs q and entropy are always printed). */
const FLAGGED = SAMPLE_OPTIONS.filter(
  (spec): spec is OptionSpec & { cli: NonNullable<OptionSpec['cli']> } => spec.cli !== null,
);

/** What each kind of option takes on the command line, for the usage line. */
const METAVAR: Record<OptionKind, string> = {
  number: 'X',
  integer: 'N',
  seed: 'S',
  flag: '',
  tokens: 'ID,...',
  bias: 'ID:V,...',
};

const usageLine = (spec: OptionSpec & { cli: NonNullable<OptionSpec['cli']> }) =>
  `${spec.cli.short ? `-${spec.cli.short}|` : ''}--${spec.cli.flag}${spec.kind === 'flag' ? '' : ` ${METAVAR[spec.kind]}`}`;

/** The usage text: its flags and their help come from the sampler's options table. */
export const SAMPLE_USAGE = `softmax-kit sample <row>... [options] [--backend NAME|PATH] [--json]
  Draws tokens from rows of logits (SPEC "Sampling (v1)"): prints the tokens, their log-probabilities
  under the processed distribution q, and q itself (kept tokens in ranking order, the first --top-n,
  default 20). Rows as for eval (arguments, or stdin one per line); all rows of one call have one
  length. Numbers accept inf and -inf.
${FLAGGED.map((spec) => `    ${usageLine(spec).padEnd(28)} ${spec.cli.help}`).join('\n')}`;

const OPTIONS = {
  ...Object.fromEntries(
    FLAGGED.map((spec) => [
      spec.cli.flag,
      {
        type: spec.kind === 'flag' ? 'boolean' : 'string',
        ...(spec.cli.short ? { short: spec.cli.short } : {}),
      },
    ]),
  ),
  backend: { type: 'string', default: 'ts' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as Record<string, { type: 'string' | 'boolean'; short?: string; default?: string }>;

const VALUED = new Set(
  Object.entries(OPTIONS).flatMap(([name, spec]) =>
    spec.type === 'string' ? [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])] : [],
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

function biasMap(option: string, value: string): Map<number, number> {
  const bias = new Map<number, number>();
  for (const pair of value.split(/[\s,]+/).filter((part) => part.length > 0)) {
    const [id, amount, ...rest] = pair.split(':');
    if (id === undefined || amount === undefined || rest.length > 0)
      throw new UsageError(`${option} takes token:value pairs, got '${pair}'`, 'sample');
    const reading = readNumber(amount);
    if ('problem' in reading)
      throw new UsageError(
        `${option} value for token ${id} ${reading.problem}: '${amount}'`,
        'sample',
      );
    bias.set(integerOption(option, id), reading.value);
  }
  return bias;
}

type Values = Record<string, string | boolean | undefined>;

/** One flag's text as the option's value, by the kind the table gives it. */
function optionValue(spec: OptionSpec, option: string, value: string | boolean): unknown {
  if (typeof value === 'boolean') return value ? true : undefined;
  switch (spec.kind) {
    case 'integer':
    case 'seed':
      return integerOption(option, value);
    case 'number':
      return numberOption(option, value, 'sample');
    case 'tokens':
      return idList(option, value);
    case 'bias':
      return biasMap(option, value);
    case 'flag':
      return undefined;
  }
}

/** The sampler's options from the parsed flags (every flag of the table). */
function sampleOptions(values: Values): SampleOptions {
  const entries: [string, unknown][] = [];
  for (const spec of FLAGGED) {
    const value = values[spec.cli.flag];
    if (value === undefined) continue;
    const converted = optionValue(spec, `--${spec.cli.flag}`, value);
    if (converted !== undefined) entries.push([spec.name, converted]);
  }
  return Object.fromEntries(entries) as SampleOptions;
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
  let parsed: { values: Values; positionals: string[] };
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
  const topN = values['top-n'];
  const shown = typeof topN === 'string' ? integerOption('--top-n', topN) : 20;
  const backendSpec = values.backend as string;
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
