/**
 * Long command output in pieces: what `eval` and `sample` write to stdout (tables, JSON) is
 * handed over in ~1 MB pieces, waiting for the stream between them, so no output is ever one
 * string (V8 caps strings at 2^29 - 24 characters) or sits whole in the stream's buffer.
 */
import type { CommandIo } from './io.js';

/** Text is handed to stdout in pieces of about this many characters, waiting for each. */
const CHUNK_CHARS = 1 << 20;

/**
 * Collects output and hands it to `io.stdout` in ~1 MB pieces, waiting for the stream to drain
 * between pieces: a 10^7-entry result is never one string (V8 caps strings at 2^29 - 24
 * characters) and never sits whole in the stream's buffer.
 *
 * @example
 * ```ts
 * const out = new ChunkedOutput(io);
 * for (const line of lines) await out.write(`${line}\n`);
 * await out.flush();
 * ```
 */
export class ChunkedOutput {
  private pending = '';

  constructor(private readonly io: CommandIo) {}

  /** Adds text; true when a piece is ready and the caller should `await flush()`. */
  add(text: string): boolean {
    this.pending += text;
    return this.pending.length >= CHUNK_CHARS;
  }

  async write(text: string): Promise<void> {
    if (this.add(text)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = this.pending;
    this.pending = '';
    this.io.stdout(text);
    await this.io.drain?.();
  }
}

/**
 * A number as JSON: finite numbers as numbers, NaN and the infinities as strings.
 *
 * @example
 * ```ts
 * jsonNumber(-Infinity); // '"-Infinity"'
 * ```
 */
export function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : `"${String(value)}"`;
}

/**
 * Writes a JSON array of numbers in pieces of 4,096 entries.
 *
 * @example
 * ```ts
 * await writeJsonArray(out, probabilities);
 * ```
 */
export async function writeJsonArray(out: ChunkedOutput, values: ArrayLike<number>): Promise<void> {
  await out.write('[');
  const length = values.length;
  // Pieces of 4096 entries: small strings, few awaits.
  for (let start = 0; start < length; start += 4096) {
    const end = Math.min(length, start + 4096);
    let piece = '';
    for (let index = start; index < end; index++) {
      piece += index === 0 ? jsonNumber(values[index]!) : `, ${jsonNumber(values[index]!)}`;
    }
    await out.write(piece);
  }
  await out.write(']');
}
