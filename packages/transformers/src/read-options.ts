import { SoftmaxError } from '@softmax-kit/core';
import { createSampler, type SampleOptions, type SyncSampler } from '@softmax-kit/sampling';
import type { SoftmaxKitSamplingOptions } from './types.js';

/** Everything {@link softmaxKitSampling} reads from its options, read once. */
export interface ReadOptions {
  readonly sampler: SyncSampler;
  /** The sampling parameters passed to every `sampleSync` call (copied). */
  readonly parameters: SampleOptions;
  /** Whether the penalties need the token history. */
  readonly needsHistory: boolean;
  /** The one seed, the per-sequence seeds, or undefined (drawn per generation). */
  readonly seed: number | readonly number[] | undefined;
  readonly padTokenId: number | undefined;
  readonly eosTokenIds: readonly number[];
  readonly record: { readonly topN: number; readonly entropy: boolean } | null;
  readonly transformers: unknown;
}

export function invalid(message: string): never {
  throw new SoftmaxError('INVALID_INPUT', `@softmax-kit/transformers: ${message}`);
}

/** A printable form of any value for error messages (never throws). */
export function show(value: unknown): string {
  try {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    return typeof value;
  } catch {
    return 'an unreadable value';
  }
}

/** A copy of a number-or-per-row option (so a later change by the caller changes nothing). */
function copyRowNumbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return (value as unknown as { slice(): unknown }).slice();
  }
  return value;
}

/** A copy of a list-or-per-row-lists option (bias, allowed). */
function copyLists(value: unknown): unknown {
  const copyOne = (list: unknown): unknown =>
    list instanceof Map ? new Map(list) : copyRowNumbers(list);
  if (Array.isArray(value) && value.length > 0 && typeof value[0] !== 'number') {
    return value.map(copyOne);
  }
  return copyOne(value);
}

const NUMBER_PARAMETERS = [
  'temperature',
  'topK',
  'topP',
  'minP',
  'repetitionPenalty',
  'presencePenalty',
  'frequencyPenalty',
] as const;

const PENALTIES = ['repetitionPenalty', 'presencePenalty', 'frequencyPenalty'] as const;

function readTokenIds(value: unknown, name: string): readonly number[] {
  if (value === undefined) return [];
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? value.slice() : null;
  if (list === null || list.some((id) => !Number.isSafeInteger(id) || (id as number) < 0)) {
    invalid(`${name} is ${show(value)}; accepted: a token id (an integer >= 0) or a list of them`);
  }
  return list as number[];
}

function readSampler(options: SoftmaxKitSamplingOptions): SyncSampler {
  const { sampler, softmax } = options;
  if ((sampler === undefined) === (softmax === undefined)) {
    invalid(
      'give exactly one of `sampler` (createSampler(softmax)) or `softmax` (a createSoftmax instance)',
    );
  }
  const syncOnly =
    "generate() calls logits processors synchronously, so the sampler must be synchronous: use a synchronous backend (tsBackend(), wasmBackend()), not an asynchronous one (tfjsBackend(), a threaded wasmBackend's async calls)";
  if (sampler !== undefined) {
    if (typeof (sampler as Partial<SyncSampler>)?.sampleSync !== 'function') {
      invalid(`the sampler has no sampleSync. ${syncOnly}`);
    }
    return sampler;
  }
  if (typeof (softmax as { softmaxSync?: unknown })?.softmaxSync !== 'function') {
    invalid(`the softmax instance has no softmaxSync. ${syncOnly}`);
  }
  return createSampler(softmax as NonNullable<typeof softmax>) as unknown as SyncSampler;
}

function readSeed(value: unknown): number | readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) invalid(`seed is ${show(value)}; accepted: a safe integer`);
    return value;
  }
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    invalid(`seed is ${show(value)}; accepted: a safe integer or one per sequence`);
  }
  const seeds = Array.from(value as ArrayLike<unknown>);
  seeds.forEach((seed, index) => {
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
      invalid(`seed[${index}] is ${show(seed)}; accepted: a safe integer`);
    }
  });
  return seeds as number[];
}

function readRecord(value: unknown): ReadOptions['record'] {
  if (value === undefined || value === false) return null;
  if (value === true) return { topN: 0, entropy: true };
  if (typeof value !== 'object' || value === null) {
    invalid(`record is ${show(value)}; accepted: true, false or { topN, entropy }`);
  }
  const { topN = 0, entropy = true } = value as { topN?: unknown; entropy?: unknown };
  if (typeof topN !== 'number' || !Number.isSafeInteger(topN) || topN < 0) {
    invalid(`record.topN is ${show(topN)}; accepted: an integer >= 0`);
  }
  if (typeof entropy !== 'boolean')
    invalid(`record.entropy is ${show(entropy)}; accepted: a boolean`);
  return { topN, entropy };
}

/** Reads and copies every option once. */
export function readOptions(options: SoftmaxKitSamplingOptions): ReadOptions {
  if (typeof options !== 'object' || options === null) {
    invalid(`softmaxKitSampling takes an options object, got ${show(options)}`);
  }
  const given = { ...options }; // each getter read once
  const parameters: Record<string, unknown> = {};
  for (const name of NUMBER_PARAMETERS) {
    if (given[name] !== undefined) parameters[name] = copyRowNumbers(given[name]);
  }
  if (given.bias !== undefined) parameters.bias = copyLists(given.bias);
  if (given.allowed !== undefined) parameters.allowed = copyLists(given.allowed);
  const record = readRecord(given.record);
  if (record !== null) {
    parameters.entropy = record.entropy;
    if (record.topN > 0) parameters.topN = record.topN;
  }
  const padTokenIds = readTokenIds(given.padTokenId, 'padTokenId');
  if (padTokenIds.length > 1) invalid('padTokenId is a list; accepted: one token id');
  return {
    sampler: readSampler(given),
    parameters: parameters as SampleOptions,
    needsHistory: PENALTIES.some((name) => given[name] !== undefined),
    seed: readSeed(given.seed),
    padTokenId: padTokenIds[0],
    eosTokenIds: readTokenIds(given.eosTokenId, 'eosTokenId'),
    record,
    transformers: given.transformers,
  };
}
