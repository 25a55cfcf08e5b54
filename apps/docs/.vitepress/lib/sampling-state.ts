import { type DocsControl, type OptionSpec, SAMPLE_OPTIONS } from '@softmax-kit/sampling';

/** The options the playground has a control for. */
export type ControlName =
  | 'history'
  | 'repetitionPenalty'
  | 'presencePenalty'
  | 'frequencyPenalty'
  | 'penaltyWindow'
  | 'dryMultiplier'
  | 'dryBase'
  | 'dryAllowedLength'
  | 'dryBreakers'
  | 'temperature'
  | 'topNSigma'
  | 'topK'
  | 'topP'
  | 'minP'
  | 'typicalP'
  | 'xtcThreshold'
  | 'xtcProbability'
  | 'minKeep'
  | 'seed'
  | 'draws';

/** The playground's controls, in the sampler's table order: derived from its options table. */
export const SAMPLING_CONTROLS = SAMPLE_OPTIONS.filter(
  (spec) => spec.docs !== null,
) as (OptionSpec & {
  name: ControlName;
  docs: DocsControl;
})[];

/**
 * The sampling histogram's setup, kept in the URL's hash (`#sample?logits=...&topP=...`) so a
 * setup can be shared without touching the query string the softmax playground owns. Only the
 * fields that differ from the defaults are written; anything unreadable falls back.
 */
export interface SamplingState {
  logits: string;
  /** Token history (ids) for the penalties and DRY, and their parameters (empty: off). */
  history: string;
  repetitionPenalty: string;
  presencePenalty: string;
  frequencyPenalty: string;
  penaltyWindow: string;
  dryMultiplier: string;
  dryBase: string;
  dryAllowedLength: string;
  dryBreakers: string;
  temperature: string;
  topK: string;
  topP: string;
  minP: string;
  /** SPEC v1.1 truncations (empty: off). */
  topNSigma: string;
  typicalP: string;
  xtcThreshold: string;
  xtcProbability: string;
  minKeep: string;
  seed: string;
  draws: string;
  backend: string;
}

const KEYS: Record<keyof SamplingState, string> = {
  logits: 'logits',
  history: 'history',
  repetitionPenalty: 'repetitionPenalty',
  presencePenalty: 'presencePenalty',
  frequencyPenalty: 'frequencyPenalty',
  penaltyWindow: 'penaltyWindow',
  dryMultiplier: 'dryMultiplier',
  dryBase: 'dryBase',
  dryAllowedLength: 'dryAllowedLength',
  dryBreakers: 'dryBreakers',
  temperature: 't',
  topK: 'topK',
  topP: 'topP',
  minP: 'minP',
  topNSigma: 'topNSigma',
  typicalP: 'typicalP',
  xtcThreshold: 'xtcThreshold',
  xtcProbability: 'xtcProbability',
  minKeep: 'minKeep',
  seed: 'seed',
  draws: 'n',
  backend: 'backend',
};

/** The defaults: SPEC's first worked example, top-p 0.9, 10,000 draws with seed 7. */
export function defaultSamplingState(backend: string): SamplingState {
  return {
    logits: '2, 1, 0.1, -1, 0.5',
    history: '',
    repetitionPenalty: '',
    presencePenalty: '',
    frequencyPenalty: '',
    penaltyWindow: '',
    dryMultiplier: '',
    dryBase: '',
    dryAllowedLength: '',
    dryBreakers: '',
    temperature: '1',
    topK: '',
    topP: '0.9',
    minP: '',
    topNSigma: '',
    typicalP: '',
    xtcThreshold: '',
    xtcProbability: '',
    minKeep: '',
    seed: '7',
    draws: '10000',
    backend,
  };
}

const PREFIX = '#sample?';

/** The state in a location hash (`known`: the backends that may be picked; the first is the default). */
export function samplingStateFromHash(hash: string, known: readonly string[]): SamplingState {
  const fallback = defaultSamplingState(known[0] ?? 'ts');
  if (!hash.startsWith(PREFIX)) return fallback;
  const params = new URLSearchParams(hash.slice(PREFIX.length));
  const state = { ...fallback };
  for (const key of Object.keys(KEYS) as (keyof SamplingState)[]) {
    const value = params.get(KEYS[key]);
    if (value !== null) state[key] = value;
  }
  if (!known.includes(state.backend)) state.backend = fallback.backend;
  return state;
}

/** The hash (with its `#sample?`, or '' for the defaults) that gives back `state`. */
export function hashFromSamplingState(state: SamplingState, known: readonly string[]): string {
  const fallback = defaultSamplingState(known[0] ?? 'ts');
  const params = new URLSearchParams();
  for (const key of Object.keys(KEYS) as (keyof SamplingState)[])
    if (state[key] !== fallback[key]) params.set(KEYS[key], state[key]);
  const text = params.toString();
  return text === '' ? '' : `${PREFIX}${text}`;
}

/** Reads an optional number field: '' is "not set", anything else must parse. */
export function optionalNumber(text: string): number | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const lower = trimmed.toLowerCase();
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  const value = Number(trimmed);
  return Number.isNaN(value) ? 'invalid' : value;
}

/**
 * Reads one control's field by its option's kind: token lists (`history`, `dryBreakers`) as ids
 * separated by commas or spaces, every other control as an optional number. '' is "not set";
 * anything unreadable is 'invalid' (the sampler itself checks ranges and ids).
 */
export function controlValue(
  spec: Pick<OptionSpec, 'kind'>,
  text: string,
): number | number[] | undefined | 'invalid' {
  if (spec.kind !== 'tokens') return optionalNumber(text);
  const parts = text.split(/[\s,]+/).filter((part) => part.length > 0);
  if (parts.length === 0) return undefined;
  const ids = parts.map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  return ids.some(Number.isNaN) ? 'invalid' : ids;
}
