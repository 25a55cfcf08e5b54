import type { SampleOptions } from './types.js';

/** How an option's value is read (and, for the CLI, how its text is parsed). */
export type OptionKind =
  /** A number, once or one per row. */
  | 'number'
  /** A safe integer, once or one per row. */
  | 'integer'
  /** `true` or anything else (false). Never per row. */
  | 'flag'
  /** Token ids, or a 0/1 `Uint8Array` mask; once or one list per row. */
  | 'tokens'
  /** A dense list of length `n` or a `Map` id -> value; once or one per row. */
  | 'bias'
  /** A safe integer, once or one per row; omitted: drawn from the platform's random source. */
  | 'seed';

/** A control of the docs' sampling playground. */
export interface DocsControl {
  readonly label: string;
  /** Shown when the field is empty (what an empty field means; empty: nothing shown). */
  readonly placeholder: string;
}

/** One entry of {@link OPTIONS}: everything the plan, the CLI and the docs know of an option. */
export interface OptionSpec {
  readonly name: keyof SampleOptions;
  readonly kind: OptionKind;
  /** The value when the option is omitted (numbers; flags are false, lists absent). */
  readonly fallback: number;
  /** True for an accepted number (never called with NaN-unsafe assumptions: NaN must fail). */
  readonly check: (value: number) => boolean;
  /** What is accepted, for error messages and help. */
  readonly accepted: string;
  readonly code: 'INVALID_INPUT' | 'INVALID_TEMPERATURE';
  /** The SPEC step it belongs to (for the docs and the README). */
  readonly step: 'processing' | 'temperature' | 'truncation' | 'draw' | 'output';
  /** The command-line flag (`--top-k`), its short form, and the help text; null: not on the CLI. */
  readonly cli: { readonly flag: string; readonly short?: string; readonly help: string } | null;
  /** The docs playground's control; null: not in the playground. */
  readonly docs: DocsControl | null;
}

const any = () => true;
const safeCount = (v: number) => Number.isSafeInteger(v) && v >= 0;

/**
 * Every option of {@link SampleOptions}, once: the plan reads each exactly once from this list,
 * the CLI derives its flags and usage from it, the docs playground its controls. A new option is
 * one entry here plus the step (a file under `steps/`) that reads it from the row's parameters.
 */
export const OPTIONS: readonly OptionSpec[] = Object.freeze([
  {
    name: 'bias',
    kind: 'bias',
    fallback: 0,
    check: any,
    accepted: 'a finite number or -Infinity per token (a list of length n, or a Map id -> value)',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'bias', help: 'token:value pairs, e.g. 5:-inf,7:2.5 (-inf bans)' },
    docs: null,
  },
  {
    name: 'allowed',
    kind: 'tokens',
    fallback: 0,
    check: any,
    accepted: 'token ids, integers in [0, n), or a 0/1 Uint8Array mask of length n',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'allowed', help: 'token ids allowed, e.g. 0,3,4' },
    docs: null,
  },
  {
    name: 'history',
    kind: 'tokens',
    fallback: 0,
    check: any,
    accepted: 'token ids, integers in [0, n)',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'history', help: 'token ids seen so far, for the penalties' },
    docs: { label: 'history', placeholder: 'token ids' },
  },
  {
    name: 'repetitionPenalty',
    kind: 'number',
    fallback: 1,
    check: (v) => v > 0 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number > 0',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'repetition-penalty', help: 'r > 0: a seen token loses logit (/r or *r)' },
    docs: { label: 'repetition penalty', placeholder: '1' },
  },
  {
    name: 'presencePenalty',
    kind: 'number',
    fallback: 0,
    check: Number.isFinite,
    accepted: 'a finite number',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'presence-penalty', help: 'subtracted once per seen token' },
    docs: { label: 'presence penalty', placeholder: '0' },
  },
  {
    name: 'frequencyPenalty',
    kind: 'number',
    fallback: 0,
    check: Number.isFinite,
    accepted: 'a finite number',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'frequency-penalty', help: 'subtracted per occurrence' },
    docs: { label: 'frequency penalty', placeholder: '0' },
  },
  {
    name: 'penaltyWindow',
    kind: 'integer',
    fallback: Number.POSITIVE_INFINITY,
    check: safeCount,
    accepted: 'a safe integer >= 0',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'penalty-window', help: 'the penalties and DRY see the last W history entries' },
    docs: { label: 'penalty window', placeholder: 'all' },
  },
  {
    name: 'dryMultiplier',
    kind: 'number',
    fallback: 0,
    check: (v) => v >= 0 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number >= 0',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: {
      flag: 'dry-multiplier',
      help: 'DRY: a repeat of length l >= a costs mu * b^(l - a) (0: off)',
    },
    docs: { label: 'DRY multiplier', placeholder: '0 (off)' },
  },
  {
    name: 'dryBase',
    kind: 'number',
    fallback: 1.75,
    check: (v) => v >= 1 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number >= 1',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'dry-base', help: 'DRY base b >= 1 (default 1.75)' },
    docs: { label: 'DRY base', placeholder: '1.75' },
  },
  {
    name: 'dryAllowedLength',
    kind: 'integer',
    fallback: 2,
    check: (v) => Number.isSafeInteger(v) && v >= 1,
    accepted: 'an integer >= 1',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: {
      flag: 'dry-allowed-length',
      help: 'DRY: repeats shorter than this are free (default 2)',
    },
    docs: { label: 'DRY allowed length', placeholder: '2' },
  },
  {
    name: 'dryBreakers',
    kind: 'tokens',
    fallback: 0,
    check: any,
    accepted: 'token ids, integers in [0, n)',
    code: 'INVALID_INPUT',
    step: 'processing',
    cli: { flag: 'dry-breakers', help: 'DRY: token ids that end a repeat, e.g. 13,198' },
    docs: { label: 'DRY breakers', placeholder: 'token ids' },
  },
  {
    name: 'temperature',
    kind: 'number',
    fallback: 1,
    check: (v) => v >= 0,
    accepted: 'a number >= 0 (0 = greedy, Infinity = uniform)',
    code: 'INVALID_TEMPERATURE',
    step: 'temperature',
    cli: { flag: 'temperature', short: 't', help: 'T >= 0; 0 is greedy, inf uniform (default 1)' },
    docs: { label: 'temperature', placeholder: '' },
  },
  {
    name: 'topNSigma',
    kind: 'number',
    fallback: 0,
    check: (v) => v > 0 && v < Number.POSITIVE_INFINITY,
    accepted: 'a finite number > 0',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: { flag: 'top-n-sigma', help: "keep x' >= max - s * sigma (first of the truncations)" },
    docs: { label: 'top-nσ', placeholder: 'off' },
  },
  {
    name: 'topK',
    kind: 'integer',
    fallback: Number.POSITIVE_INFINITY,
    check: (v) => Number.isSafeInteger(v) && v >= 1,
    accepted: 'an integer >= 1',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: { flag: 'top-k', help: 'keep the k highest-ranked tokens' },
    docs: { label: 'top-k', placeholder: 'all' },
  },
  {
    name: 'topP',
    kind: 'number',
    fallback: 1,
    check: (v) => v > 0 && v <= 1,
    accepted: 'a number in (0, 1]',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: { flag: 'top-p', help: 'keep the shortest ranked prefix with mass >= P' },
    docs: { label: 'top-p', placeholder: '1' },
  },
  {
    name: 'minP',
    kind: 'number',
    fallback: 0,
    check: (v) => v >= 0 && v <= 1,
    accepted: 'a number in [0, 1]',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: { flag: 'min-p', help: 'keep tokens with p >= P times the largest' },
    docs: { label: 'min-p', placeholder: '0' },
  },
  {
    name: 'typicalP',
    kind: 'number',
    fallback: 1,
    check: (v) => v > 0 && v <= 1,
    accepted: 'a number in (0, 1]',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: {
      flag: 'typical-p',
      help: 'keep the tokens whose surprise is closest to the entropy, mass >= P',
    },
    docs: { label: 'typical-p', placeholder: '1' },
  },
  {
    name: 'xtcThreshold',
    kind: 'number',
    fallback: 0.1,
    check: (v) => v >= 0 && v <= 1,
    accepted: 'a number in [0, 1]',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: {
      flag: 'xtc-threshold',
      help: 'XTC: tokens with q >= theta are top choices (default 0.1)',
    },
    docs: { label: 'XTC threshold', placeholder: '0.1' },
  },
  {
    name: 'xtcProbability',
    kind: 'number',
    fallback: 0,
    check: (v) => v >= 0 && v <= 1,
    accepted: 'a number in [0, 1]',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: {
      flag: 'xtc-probability',
      help: 'XTC: chance of removing all top choices but the last (0: off)',
    },
    docs: { label: 'XTC probability', placeholder: '0' },
  },
  {
    name: 'minKeep',
    kind: 'integer',
    fallback: 1,
    check: (v) => Number.isSafeInteger(v) && v >= 1,
    accepted: 'an integer >= 1',
    code: 'INVALID_INPUT',
    step: 'truncation',
    cli: { flag: 'min-keep', help: 'top-nσ, top-p, min-p and typical-p keep at least this many' },
    docs: { label: 'min keep', placeholder: '1' },
  },
  {
    name: 'seed',
    kind: 'seed',
    fallback: 0,
    check: Number.isSafeInteger,
    accepted: 'a safe integer',
    code: 'INVALID_INPUT',
    step: 'draw',
    cli: { flag: 'seed', help: 'reproduces a run (without it one is drawn and printed)' },
    docs: { label: 'seed', placeholder: 'random' },
  },
  {
    name: 'step',
    kind: 'integer',
    fallback: 0,
    check: safeCount,
    accepted: 'a safe integer >= 0',
    code: 'INVALID_INPUT',
    step: 'draw',
    cli: { flag: 'step', help: 'the first step of the generator (draw k uses step + k)' },
    docs: null,
  },
  {
    name: 'draws',
    kind: 'integer',
    fallback: 1,
    check: safeCount,
    accepted: 'a safe integer >= 0',
    code: 'INVALID_INPUT',
    step: 'draw',
    cli: { flag: 'draws', short: 'n', help: 'draws per row (default 1)' },
    docs: { label: 'draws', placeholder: '' },
  },
  {
    name: 'topN',
    kind: 'integer',
    fallback: 0,
    check: safeCount,
    accepted: 'a safe integer >= 0',
    code: 'INVALID_INPUT',
    step: 'output',
    cli: { flag: 'top-n', help: 'also list the N most probable tokens of q' },
    docs: null,
  },
  {
    name: 'entropy',
    kind: 'flag',
    fallback: 0,
    check: any,
    accepted: 'true or false',
    code: 'INVALID_INPUT',
    step: 'output',
    cli: null, // the CLI always prints it
    docs: null,
  },
  {
    name: 'rawLogprobs',
    kind: 'flag',
    fallback: 0,
    check: any,
    accepted: 'true or false',
    code: 'INVALID_INPUT',
    step: 'output',
    cli: { flag: 'raw-logprobs', help: 'also print log-probabilities under logSoftmax(x)' },
    docs: null,
  },
  {
    name: 'q',
    kind: 'flag',
    fallback: 0,
    check: any,
    accepted: 'true or false',
    code: 'INVALID_INPUT',
    step: 'output',
    cli: null,
    docs: null,
  },
] satisfies OptionSpec[]);
