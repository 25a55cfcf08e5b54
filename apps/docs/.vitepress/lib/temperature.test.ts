import { describe, expect, it } from 'vitest';
import {
  parseLogits,
  parseTemperature,
  SLIDER_MAX,
  sliderFromTemperature,
  temperatureFromSlider,
} from './temperature.js';

describe('the playground temperature control', () => {
  it('reaches exactly 0 at the left end stop and exactly Infinity at the right one', () => {
    expect(temperatureFromSlider(0)).toBe(0);
    expect(temperatureFromSlider(SLIDER_MAX)).toBe(Number.POSITIVE_INFINITY);
  });

  it('puts T = 1 in the middle and stays finite and positive between the end stops', () => {
    expect(temperatureFromSlider(SLIDER_MAX / 2)).toBe(1);
    for (let position = 1; position < SLIDER_MAX; position++) {
      const temperature = temperatureFromSlider(position);
      expect(temperature).toBeGreaterThan(0);
      expect(Number.isFinite(temperature)).toBe(true);
    }
  });

  it('grows with the slider position', () => {
    for (let position = 1; position <= SLIDER_MAX; position++) {
      expect(temperatureFromSlider(position)).toBeGreaterThan(temperatureFromSlider(position - 1));
    }
  });

  it('maps a typed temperature back to the slider, limits to the end stops', () => {
    expect(sliderFromTemperature(0)).toBe(0);
    expect(sliderFromTemperature(Number.POSITIVE_INFINITY)).toBe(SLIDER_MAX);
    expect(sliderFromTemperature(1)).toBe(SLIDER_MAX / 2);
    // A tiny positive T is not the T = 0 stop, a huge finite one not the Infinity stop.
    expect(sliderFromTemperature(1e-300)).toBe(1);
    expect(sliderFromTemperature(1e300)).toBe(SLIDER_MAX - 1);
  });

  it('reads Infinity spelled several ways and leaves nonsense as NaN for the library to reject', () => {
    expect(parseTemperature('inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseTemperature(' Infinity ')).toBe(Number.POSITIVE_INFINITY);
    expect(parseTemperature('0')).toBe(0);
    expect(parseTemperature('-1')).toBe(-1);
    expect(parseTemperature('warm')).toBeNaN();
  });
});

describe('logits typed in the playground', () => {
  it('are split on commas and spaces with -inf, inf and NaN understood', () => {
    expect(parseLogits('2, 1 0.1')).toEqual([2, 1, 0.1]);
    expect(parseLogits('1,-inf, inf;NaN')).toEqual([
      1,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
  });
});
