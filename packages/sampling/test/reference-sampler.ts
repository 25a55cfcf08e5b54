/**
 * The one float64 reference sampler of SPEC's "Sampling (v1)" is the conformance package's
 * (`@softmax-kit/conformance/sampling-reference`): this package's tests load it by path, since
 * a dev dependency on the conformance package would make a build cycle (conformance depends on
 * this package). It imports nothing, so only that file is loaded.
 */
export {
  drawMargin,
  type ReferenceDistribution,
  type ReferenceSampling,
  referenceDistribution,
  referenceDistribution as referenceRow,
  referenceEntropy,
  referenceLogprob,
  referenceRawLogprobs,
  referenceSample,
  referenceToken,
} from '../../conformance/src/sampling-reference.js';

/** A small seeded generator for test data (mulberry32). */
export function testRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
