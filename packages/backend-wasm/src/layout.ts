/**
 * The memory layout shared by the JavaScript side and the kernels (`src/kernels/softmax.wat`):
 * byte offsets into one memory. Each thread computing on a memory owns a metadata block of
 * {@link META_BYTES} at `thread * META_BYTES` (one block, at 0, with one thread); per-row metadata
 * is handed over in chunks of {@link CHUNK_ROWS} rows; rows themselves start after the blocks.
 *
 * @packageDocumentation
 */

/** Rows per kernel call: the metadata arrays below hold this many entries each. */
export const CHUNK_ROWS = 4096;
/** Offsets inside a metadata block. 0..15: the scratch quad of the kernels' exp loop. */
export const SCRATCH_BYTES = 1024;
/** Row maxima, float64 (written by `scan`, read by the kernels). */
export const MAX_AT = SCRATCH_BYTES;
/** Temperatures, float64. */
export const TEMPERATURE_AT = MAX_AT + 8 * CHUNK_ROWS;
/** Per-row sums excluding the first max, float64, then their log1p (logSoftmax). */
export const SUMS_AT = TEMPERATURE_AT + 8 * CHUNK_ROWS;
/** Skip marks (1: the kernel leaves the row alone), u8; `scan` writes its flags here. */
export const SKIP_AT = SUMS_AT + 8 * CHUNK_ROWS;
/** WebAssembly page size. */
export const PAGE_BYTES = 65536;
/** One thread's metadata block: two pages. */
export const META_BYTES = 2 * PAGE_BYTES;
/** Rows start here on a one-thread memory: after its one metadata block. */
export const DATA_AT = META_BYTES;
