/**
 * The memory layout shared by the JavaScript side and the kernels (`src/kernels/softmax.wat`):
 * byte offsets into one instance's memory. Per-row metadata is handed over in chunks of
 * {@link CHUNK_ROWS} rows; rows themselves start at {@link DATA_AT}.
 *
 * @packageDocumentation
 */

/** Rows per kernel call: the metadata arrays below hold this many entries each. */
export const CHUNK_ROWS = 4096;
/** 0..31: the kernels' scratch quad for a row's last 1-3 entries. */
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
/** Rows start here: after the two pages the module's memory starts with. */
export const DATA_AT = 2 * PAGE_BYTES;
