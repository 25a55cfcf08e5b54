import { SoftmaxError } from '@softmax-kit/core';
import type { KernelInstance } from './kernel-instance.js';
import { DATA_AT } from './layout.js';

/**
 * A float32 array that lives in the backend's WebAssembly memory: passed to a softmax call as
 * input or `out`, it needs no copy in or out.
 *
 * Memory grows only in {@link WasmBackend.allocate}, never during a call. Growing detaches the
 * memory's old buffer, and with it every view taken before: read {@link WasmArray.array} again
 * after any `allocate()`. A detached view has length 0, and a call given one fails with
 * `SoftmaxError` `INVALID_INPUT` (its buffer was detached), never with garbage.
 */
export interface WasmArray {
  /** A view of the array on the memory's current buffer (a new view after the memory grew). */
  readonly array: Float32Array;
  /** Its length in entries. */
  readonly length: number;
  /** True once {@link WasmArray.release} was called (or the backend disposed). */
  readonly released: boolean;
  /** True when `view` is a view of this array taken before the memory grew (now detached). */
  isStale(view: Float32Array): boolean;
  /** Gives the bytes back for later `allocate()` calls; the array must not be used after. */
  release(): void;
}

const bufferOf = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Int8Array.prototype) as object,
  'buffer',
)?.get as (this: unknown) => ArrayBufferLike;

/** First-fit allocator over the arena instance's memory, 16-byte blocks, free blocks merged. */
export class Arena {
  /** Free blocks [start, end), sorted by start; `top` is the end of everything ever handed out. */
  private free: Array<{ start: number; end: number }> = [];
  private top = DATA_AT;
  private live = 0;
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private disposed = false;

  constructor(readonly kernel: KernelInstance) {}

  /** How many arrays are allocated and not released. */
  get liveCount(): number {
    return this.live;
  }

  allocate(length: number): WasmArray {
    if (!Number.isSafeInteger(length) || length < 1) {
      throw new SoftmaxError(
        'INVALID_INPUT',
        `allocate(length): length must be a positive integer, got ${String(length)}.`,
      );
    }
    const bytes = Math.ceil((length * 4) / 16) * 16;
    let start = -1;
    for (let i = 0; i < this.free.length; i++) {
      const block = this.free[i] as { start: number; end: number };
      if (block.end - block.start < bytes) continue;
      start = block.start;
      block.start += bytes;
      if (block.start === block.end) this.free.splice(i, 1);
      break;
    }
    if (start < 0) {
      this.buffers.add(this.kernel.memory.buffer); // about to detach, if the memory grows
      this.kernel.reserve(this.top + bytes);
      start = this.top;
      this.top += bytes;
    }
    this.live++;
    return this.handle(start, length, bytes);
  }

  /** True when `view` is a view of this arena's current memory, in its data region. */
  holds(view: Float32Array, byteOffset: number, length: number, needed: number): boolean {
    return bufferOf.call(view) === this.kernel.buffer && byteOffset >= DATA_AT && length >= needed;
  }

  /** Invalidates every array (backend disposed). */
  dispose(): void {
    this.disposed = true;
    this.live = 0;
  }

  private handle(start: number, length: number, bytes: number): WasmArray {
    const arena = this;
    let released = false;
    let view: Float32Array | null = null;
    return {
      length,
      get released() {
        return released || arena.disposed;
      },
      get array(): Float32Array {
        if (released || arena.disposed) {
          throw new SoftmaxError(
            'INVALID_INPUT',
            'this WasmArray was released (or its backend disposed); allocate a new one.',
          );
        }
        const buffer = arena.kernel.memory.buffer;
        if (view === null || bufferOf.call(view) !== buffer) {
          view = new Float32Array(buffer, start, length);
        }
        return view;
      },
      isStale(candidate: Float32Array): boolean {
        const buffer = bufferOf.call(candidate);
        return buffer !== arena.kernel.memory.buffer && arena.buffers.has(buffer);
      },
      release() {
        if (released || arena.disposed) return;
        released = true;
        arena.live--;
        arena.giveBack(start, start + bytes);
      },
    };
  }

  private giveBack(start: number, end: number): void {
    const free = this.free;
    let i = 0;
    while (i < free.length && (free[i] as { start: number }).start < start) i++;
    free.splice(i, 0, { start, end });
    // Merge with the next block, then with the previous one.
    const next = free[i + 1];
    if (next !== undefined && next.start === end) {
      (free[i] as { end: number }).end = next.end;
      free.splice(i + 1, 1);
    }
    const previous = free[i - 1];
    if (previous !== undefined && previous.end === start) {
      previous.end = (free[i] as { end: number }).end;
      free.splice(i, 1);
    }
  }
}
