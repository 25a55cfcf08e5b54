/**
 * The most axes an input may have (NumPy's limit). Deeper nesting is refused with a clear error
 * instead of a stack overflow; a cyclic array is named as such.
 */
export const MAX_RANK = 64;
