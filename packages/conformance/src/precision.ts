import {
  type BackendCapabilities,
  type Dtype,
  type Precision,
  unitRoundoff,
} from '@softmax-kit/core';

/** Smallest positive normal number of each precision. */
const MIN_NORMAL: Record<Precision, number> = {
  float16: 2 ** -14,
  float32: 2 ** -126,
  float64: 2 ** -1022,
};

/** Largest finite value of each precision. */
const LARGEST_COMPUTE: Record<Precision, number> = {
  float16: 65504,
  float32: 3.4028234663852886e38,
  float64: Number.MAX_VALUE,
};

/** Largest finite value of each dtype. */
export const LARGEST_FINITE: Record<Dtype, number> = {
  float32: 3.4028234663852886e38,
  float64: Number.MAX_VALUE,
};

/**
 * Everything a bound needs to know about one input dtype on one backend, read from the
 * backend's declared capabilities (never from its name).
 */
export interface PrecisionModel {
  /** The input (and output) dtype. */
  readonly dtype: Dtype;
  /** The precision the kernel computes this dtype in. */
  readonly compute: Precision;
  /** eps: unit roundoff of the compute precision. */
  readonly eps: number;
  /** eps_out: the output dtype's own rounding when it is float32 (2^-24), else 0 (see bounds.ts). */
  readonly epsOut: number;
  /** Unit roundoff of the output dtype (for exact-limit checks). */
  readonly epsDtype: number;
  /** Smallest normal of the compute precision and of the output dtype (underflow floors). */
  readonly minNormalCompute: number;
  readonly minNormalOut: number;
  /**
   * True when the compute precision is coarser than the dtype (float64 input on a float32
   * kernel): `x_i - m` is rounded into the compute precision, by core's conversion or the kernel.
   */
  readonly narrowing: boolean;
  /** Largest finite value of the compute precision (x - m or z beyond it may overflow). */
  readonly largestCompute: number;
  /**
   * Entries below this scale are judged by absolute error: relative errors are reported as
   * `|p - ref| / max(ref, tau)`, tau = max(minNormal_c / eps, minNormal_out / eps_dtype).
   */
  readonly tau: number;
  /** Rounds a value to the compute precision (exact for float32 and float64). */
  round(value: number): number;
  /** Human-readable `eps = 2^-24 (float32)`. */
  readonly describe: string;
}

function roundTo(precision: Precision, value: number): number {
  if (precision === 'float64') return value;
  if (precision === 'float32') return Math.fround(value);
  // float16: round to 11 significant bits, with the subnormal spacing 2^-24 (ties to even).
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.abs(value);
  if (magnitude >= 65520) return Math.sign(value) * Number.POSITIVE_INFINITY;
  const exponent = Math.max(Math.floor(Math.log2(magnitude)), -14);
  const spacing = 2 ** (exponent - 10);
  const scaled = magnitude / spacing;
  let rounded = Math.round(scaled);
  if (scaled % 1 === 0.5 && rounded % 2 === 1) rounded -= 1;
  return Math.sign(value) * rounded * spacing;
}

const POWER: Record<Precision, string> = {
  float16: '2^-11',
  float32: '2^-24',
  float64: '2^-53',
};

/**
 * Builds the {@link PrecisionModel} of `dtype` on a backend with these capabilities.
 *
 * @example
 * ```ts
 * const model = precisionModel(sm.backend.capabilities, 'float32');
 * model.eps; // 2^-24 on a float32 backend
 * ```
 */
export function precisionModel(capabilities: BackendCapabilities, dtype: Dtype): PrecisionModel {
  const compute = capabilities.computePrecision[dtype];
  const eps = unitRoundoff(compute);
  const epsDtype = unitRoundoff(dtype);
  const epsOut = dtype === 'float32' ? epsDtype : 0;
  const minNormalCompute = MIN_NORMAL[compute];
  const minNormalOut = MIN_NORMAL[dtype];
  return {
    dtype,
    compute,
    eps,
    epsOut,
    epsDtype,
    minNormalCompute,
    minNormalOut,
    narrowing: unitRoundoff(compute) > epsDtype,
    largestCompute: LARGEST_COMPUTE[compute],
    tau: Math.max(minNormalCompute / eps, minNormalOut / epsDtype),
    round: (value) => roundTo(compute, value),
    describe: `eps = ${POWER[compute]} (${compute} compute for ${dtype} input)${dtype === 'float32' ? ', eps_out = 2^-24' : ''}`,
  };
}

/** Rounds a float64 value to a dtype (the value a typed array of that dtype stores). */
export function toDtype(dtype: Dtype, value: number): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}
