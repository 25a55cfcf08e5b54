/** A point of a log-log chart. */
export interface ChartPoint {
  x: number;
  y: number;
  /** Shown on hover, e.g. `32x1k: 3.1 ns/element (p10 2.9, p90 3.4)`. */
  label: string;
}

/** One line of a log-log chart (one backend or peer). */
export interface ChartSeries {
  name: string;
  points: ChartPoint[];
  /** Peers and baselines are drawn dashed. */
  dashed?: boolean;
}

/** One bar of a bar chart. */
export interface Bar {
  name: string;
  value: number | null;
  /** Shown instead of a bar when value is null (e.g. why it was not measured). */
  note?: string | undefined;
}
