import { describe, expect, it } from 'vitest';
import {
  defaultSamplingState,
  hashFromSamplingState,
  optionalNumber,
  samplingStateFromHash,
} from './sampling-state.js';

const known = ['ts', 'tfjs-cpu'];

describe('the sampling histogram state in the URL hash', () => {
  it('writes nothing for the defaults and reads the defaults back from an empty hash', () => {
    expect(hashFromSamplingState(defaultSamplingState('ts'), known)).toBe('');
    expect(samplingStateFromHash('', known)).toEqual(defaultSamplingState('ts'));
    expect(samplingStateFromHash('#some-heading', known)).toEqual(defaultSamplingState('ts'));
  });

  it('round-trips a changed setup, and drops a backend the page does not have', () => {
    const state = { ...defaultSamplingState('ts'), topK: '2', seed: '42', backend: 'tfjs-cpu' };
    const hash = hashFromSamplingState(state, known);
    expect(hash.startsWith('#sample?')).toBe(true);
    expect(samplingStateFromHash(hash, known)).toEqual(state);
    expect(samplingStateFromHash('#sample?backend=webgpu', known).backend).toBe('ts');
  });

  it('reads optional numbers: empty is unset, inf is Infinity, text is invalid', () => {
    expect(optionalNumber(' ')).toBeUndefined();
    expect(optionalNumber('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(optionalNumber('0.9')).toBe(0.9);
    expect(optionalNumber('abc')).toBe('invalid');
  });
});
