import { describe, expect, it } from 'vitest';
import {
  controlValue,
  defaultSamplingState,
  hashFromSamplingState,
  optionalNumber,
  SAMPLING_CONTROLS,
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

  it('has a control for every processing option, DRY and the penalty window included, in the table order', () => {
    const names = SAMPLING_CONTROLS.map((spec) => spec.name);
    for (const name of [
      'history',
      'penaltyWindow',
      'dryMultiplier',
      'dryBase',
      'dryAllowedLength',
      'dryBreakers',
      'repetitionPenalty',
    ])
      expect(names).toContain(name);
    expect(names.indexOf('dryMultiplier')).toBeLessThan(names.indexOf('temperature'));
    const state = {
      ...defaultSamplingState('ts'),
      history: '1, 2, 1',
      dryMultiplier: '0.8',
      dryBreakers: '3',
    };
    expect(samplingStateFromHash(hashFromSamplingState(state, known), known)).toEqual(state);
  });

  it('reads token lists as ids, and anything else in them as invalid', () => {
    expect(controlValue({ kind: 'tokens' }, '1, 2 3')).toEqual([1, 2, 3]);
    expect(controlValue({ kind: 'tokens' }, ' ')).toBeUndefined();
    expect(controlValue({ kind: 'tokens' }, '1, x')).toBe('invalid');
    expect(controlValue({ kind: 'tokens' }, '-1')).toBe('invalid');
    expect(controlValue({ kind: 'number' }, '0.8')).toBe(0.8);
  });

  it('reads optional numbers: empty is unset, inf is Infinity, text is invalid', () => {
    expect(optionalNumber(' ')).toBeUndefined();
    expect(optionalNumber('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(optionalNumber('0.9')).toBe(0.9);
    expect(optionalNumber('abc')).toBe('invalid');
  });
});
