/** A base-10 log scale from [min, max] (positive) onto [from, to] pixels, with decade ticks. */
export interface LogScale {
  (value: number): number;
  ticks: number[];
  domain: [number, number];
}

export function logScale(values: number[], from: number, to: number): LogScale {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  let low = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
  let high = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
  if (high === low) {
    low -= 1;
    high += 1;
  }
  const scale = ((value: number) =>
    from + ((Math.log10(value) - low) / (high - low)) * (to - from)) as LogScale;
  scale.ticks = [];
  const step = Math.max(1, Math.ceil((high - low) / 8));
  for (let exponent = low; exponent <= high; exponent += step) scale.ticks.push(10 ** exponent);
  scale.domain = [10 ** low, 10 ** high];
  return scale;
}

/** Tick label: 1e-3 .. 1e6 written plainly, else as 1e±k. */
export function tickLabel(value: number): string {
  if (value >= 1e-3 && value < 1e6) {
    if (value >= 1e3) return `${value / 1e3}k`;
    return String(Number(value.toPrecision(1)));
  }
  return `1e${Math.round(Math.log10(value))}`;
}

/** A stable colour per series name (the same backend has the same colour on every chart). */
const palette = [
  '#3451b2',
  '#d2462b',
  '#1f9d55',
  '#a0629d',
  '#c08b00',
  '#0e8a9e',
  '#6b6b6b',
  '#e06c9f',
  '#6a4c2f',
  '#4b8bf4',
];
export function colorFor(name: string, names: string[]): string {
  const index = names.indexOf(name);
  return palette[Math.max(0, index) % palette.length]!;
}
