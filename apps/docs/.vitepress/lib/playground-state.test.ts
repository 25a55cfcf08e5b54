import { describe, expect, it } from 'vitest';
import { defaultState, queryFromState, stateFromQuery } from './playground-state.js';
import { temperatureProblem } from './temperature.js';

const known = ['ts', 'tfjs-cpu', 'tfjs-wasm'];

describe('the playground setup in the URL', () => {
  it('writes nothing for the defaults and reads the defaults from an empty query', () => {
    expect(queryFromState(defaultState(known), known)).toBe('');
    expect(stateFromQuery('', known)).toEqual(defaultState(known));
  });

  it('round-trips every field, including logits with spaces and signs', () => {
    const state = {
      logits: '1, -inf, 3e38 NaN',
      temperature: 'Infinity',
      operation: 'logSoftmax' as const,
      dtype: 'float32' as const,
      allMasked: 'zeros' as const,
      backends: ['tfjs-wasm', 'ts'],
    };
    const back = stateFromQuery(queryFromState(state, known), known);
    // Backends come back in the known order.
    expect(back).toEqual({ ...state, backends: ['ts', 'tfjs-wasm'] });
  });

  it('falls back to defaults for unknown values and drops unknown backends', () => {
    const state = stateFromQuery('?op=exp&dtype=int8&masked=maybe&backends=ts,nope', known);
    expect(state.operation).toBe('softmax');
    expect(state.dtype).toBe('float64');
    expect(state.allMasked).toBe('error');
    expect(state.backends).toEqual(['ts']);
    // An empty list is a valid choice (nothing selected), not the default.
    expect(stateFromQuery('?backends=', known).backends).toEqual([]);
  });
});

describe('the temperature box', () => {
  it('accepts numbers >= 0 and Infinity', () => {
    for (const text of ['0', '1', '1e-300', 'inf', 'Infinity', ' 2 ']) {
      expect(temperatureProblem(text)).toBeNull();
    }
  });

  it('says why -1, abc and an empty box are not temperatures', () => {
    expect(temperatureProblem('-1')).toMatch(/T = -1 is invalid.*>= 0/);
    expect(temperatureProblem('abc')).toMatch(/"abc" is not a temperature/);
    expect(temperatureProblem('')).toMatch(/empty box/);
    expect(temperatureProblem('-inf')).toMatch(/invalid|not a temperature/);
  });
});
