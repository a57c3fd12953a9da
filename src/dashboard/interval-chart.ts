/**
 * A metric with its interval and its baselines on one chart: the metric's line, the interval's two
 * edges with a light band between them (dashboard.js), then one line per baseline. A point without
 * an interval (an older version, a year too short for a t-stat) has a gap in the band, not a zero.
 */
import type { ChartSpec } from './chart.ts';

export interface IntervalSeries {
  label: string;
  values: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
  /** What the band is: "90 % interval", "seeds min … max". */
  bandLabel: string;
}

export interface IntervalChartInput {
  id: string;
  title: string;
  x: number[];
  xLabel: string;
  time?: boolean;
  percent?: boolean;
  metric: IntervalSeries;
  baselines: { label: string; values: (number | null)[] }[];
}

export function intervalChart(input: IntervalChartInput): ChartSpec {
  const { metric } = input;
  const hasBand = metric.low.some((v) => v !== null) && metric.high.some((v) => v !== null);
  const edges = hasBand
    ? [
        { label: `${metric.label}: ${metric.bandLabel}, high`, values: metric.high, edgeOf: 0 },
        { label: `${metric.label}: ${metric.bandLabel}, low`, values: metric.low, edgeOf: 0 },
      ]
    : [];
  return {
    id: input.id,
    title: input.title,
    x: input.x,
    xLabel: input.xLabel,
    ...(input.time ? { time: true } : {}),
    ...(input.percent ? { percent: true } : {}),
    series: [{ label: metric.label, values: metric.values }, ...edges, ...input.baselines.filter((b) => b.values.some((v) => v !== null))],
    ...(hasBand ? { bands: [[1, 2]] as [number, number][] } : {}),
  };
}
