import type { Dtype, FloatArray } from '@softmax-kit/core';

/** One timed call on prepared buffers: synchronous or asynchronous. */
export type BenchCall = { readonly sync: () => void } | { readonly async: () => Promise<void> };

/** A subject set up for one dtype: it prepares calls for each size and frees what it holds. */
export interface SubjectInstance {
  /** Makes this subject's device current (tfjs shares one engine per process). */
  activate?(): Promise<void>;
  /** A call computing softmax over the last axis of `input` (`rows` x `cols`). */
  prepare(input: FloatArray, output: FloatArray, rows: number, cols: number): BenchCall;
  dispose(): Promise<void>;
}

/** Something to benchmark: a softmax-kit backend, a peer library, or the copy baseline. */
export interface BenchSubject {
  readonly id: string;
  readonly kind: 'backend' | 'peer' | 'baseline';
  /** Loads the library (imports, not timed as cold start); rejects when it cannot run here. */
  load(): Promise<{ version?: string }>;
  /** Why this subject cannot run the dtype, if it cannot. */
  unsupported?(dtype: Dtype): string | undefined;
  /** Creates the instance: backend init or session creation (timed as cold start). */
  init(dtype: Dtype): Promise<SubjectInstance>;
}

/**
 * Runs a call once, awaiting it when asynchronous.
 *
 * @example
 * ```ts
 * await callOnce({ sync: () => dst.set(src) });
 * ```
 */
export async function callOnce(call: BenchCall): Promise<void> {
  if ('sync' in call) call.sync();
  else await call.async();
}
