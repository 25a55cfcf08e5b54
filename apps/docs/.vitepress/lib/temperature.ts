/**
 * The playground's temperature control: a slider whose two end stops are exactly 0 and
 * Infinity, with a log scale from 1e-3 to 1e3 in between (the middle is T = 1).
 */
export const SLIDER_MAX = 120;
const DECADES = 3;

export function temperatureFromSlider(position: number): number {
  if (position <= 0) return 0;
  if (position >= SLIDER_MAX) return Number.POSITIVE_INFINITY;
  const middle = SLIDER_MAX / 2;
  return 10 ** (((position - middle) / (middle - 1)) * DECADES);
}

export function sliderFromTemperature(temperature: number): number {
  if (!(temperature > 0)) return 0;
  if (temperature === Number.POSITIVE_INFINITY) return SLIDER_MAX;
  const middle = SLIDER_MAX / 2;
  const position = middle + (Math.log10(temperature) / DECADES) * (middle - 1);
  return Math.min(SLIDER_MAX - 1, Math.max(1, Math.round(position)));
}

/** Parses the numeric box: numbers, `Infinity`/`inf`/`∞`; anything else is NaN (the library then says why). */
export function parseTemperature(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (['infinity', '+infinity', 'inf', '∞'].includes(trimmed)) return Number.POSITIVE_INFINITY;
  if (trimmed === '') return Number.NaN;
  return Number(trimmed);
}

/** Parses logits typed as `2, 1, 0.1` (commas or spaces; `-inf`, `Infinity`, `NaN` allowed). */
export function parseLogits(text: string): number[] {
  return text
    .split(/[\s,;]+/)
    .filter((token) => token !== '')
    .map((token) => {
      const lower = token.toLowerCase();
      if (['-inf', '-infinity', '-∞'].includes(lower)) return Number.NEGATIVE_INFINITY;
      if (['inf', '+inf', 'infinity', '+infinity', '∞'].includes(lower))
        return Number.POSITIVE_INFINITY;
      if (lower === 'nan') return Number.NaN;
      return Number(token);
    });
}

/**
 * Why the numeric box does not hold a temperature, or null when it does (a number >= 0, or
 * Infinity). The playground says this once instead of sending the value to every backend.
 */
export function temperatureProblem(text: string): string | null {
  const value = parseTemperature(text);
  if (value >= 0) return null;
  const shown = text.trim() === '' ? 'an empty box' : `"${text.trim()}"`;
  return Number.isNaN(value)
    ? `${shown} is not a temperature: type a number >= 0, or Infinity (0 and Infinity are the exact limits)`
    : `T = ${shown.replace(/"/g, '')} is invalid: a temperature is >= 0 (0 and Infinity are the exact limits); the library rejects it with INVALID_TEMPERATURE`;
}
