import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/** The option table of a command, as `node:util`'s `parseArgs` takes it. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** A negative number as a value or a row: `-1`, `-0.5`, `-.5`, `-inf`, `-1e3`. */
const NEGATIVE = /^-(\d|\.\d|inf)/i;

/**
 * Lets negative numbers be option values (`--presence-penalty -1`, `--case-timeout -1`, which
 * `parseArgs` would read as an option) and, where the command takes them, rows (`eval -1,2`):
 * a value is attached to its flag (`--case-timeout=-1`, `-t-1`), a row starts with the Unicode
 * minus sign, which the number reader accepts.
 */
function protectNegatives(args: readonly string[], options: OptionTable): string[] {
  const valued = new Set(
    Object.entries(options).flatMap(([name, spec]) =>
      spec.type === 'string' ? [`--${name}`, ...(spec.short ? [`-${spec.short}`] : [])] : [],
    ),
  );
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const arg of args) {
    const previous = out[out.length - 1];
    if (afterDoubleDash || !NEGATIVE.test(arg)) {
      if (arg === '--') afterDoubleDash = true;
      out.push(arg);
    } else if (previous !== undefined && valued.has(previous)) {
      out[out.length - 1] = previous.startsWith('--') ? `${previous}=${arg}` : `${previous}${arg}`;
    } else {
      out.push(`\u2212${arg.slice(1)}`);
    }
  }
  return out;
}

/** What {@link parseCommandArgs} returns. */
export interface ParsedCommandArgs<O extends OptionTable> {
  readonly values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
  readonly positionals: string[];
}

/**
 * The one argument parser of the CLI's commands: `node:util`'s `parseArgs` plus what it lacks.
 * - Negative numbers work as option values and rows (see above), so `--case-timeout -1` reaches
 *   the option's own check ("invalid duration") instead of a confusing "ambiguous" message.
 * - A flag given twice (`--seed 1 --seed 2`) is a usage error naming both values: which one
 *   would win is a guess. Options declared `multiple: true` collect every value instead.
 * - Every parse error is a {@link UsageError} of the command (exit 2).
 *
 * @example
 * ```ts
 * const { values } = parseCommandArgs(['--seed', '7'], { seed: { type: 'string' } }, 'sample');
 * parseCommandArgs(['--seed', '1', '--seed', '2'], { seed: { type: 'string' } }, 'sample'); // throws
 * ```
 */
export function parseCommandArgs<O extends OptionTable>(
  args: readonly string[],
  options: O,
  command: string,
  settings: { readonly allowPositionals?: boolean } = {},
): ParsedCommandArgs<O> {
  const allowPositionals = settings.allowPositionals === true;
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; tokens: true }>>;
  try {
    parsed = parseArgs({
      args: protectNegatives(args, options),
      options,
      allowPositionals,
      tokens: true,
    }) as typeof parsed;
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  const seen = new Map<string, string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (options[token.name]?.multiple === true) continue;
    const shown = token.value === undefined ? token.rawName : `${token.rawName} ${token.value}`;
    const earlier = seen.get(token.name);
    if (earlier !== undefined)
      throw new UsageError(
        `--${token.name} is given twice ('${earlier}', then '${shown}'): give it once`,
        command,
      );
    seen.set(token.name, shown);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}
