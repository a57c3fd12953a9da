/**
 * A chart as the page carries it: the stored series as JSON beside an empty box; assets/dashboard.js
 * hands them to uPlot. Nothing is plotted here.
 */
import { esc, jsonScript } from './html.ts';

export interface ChartSpec {
  id: string;
  title: string;
  /** The x values: epochs, environment steps, or (time: true) Unix seconds of each week. */
  x: number[];
  xLabel: string;
  time?: boolean;
  series: { label: string; values: (number | null)[]; /** An interval's edge: drawn thin and dashed in the colour of series[edgeOf]. */ edgeOf?: number }[];
  /** Shaded between two series (indices into `series`, upper then lower): a metric's interval. */
  bands?: [number, number][];
  /** Weights: each series drawn on top of the previous ones (the legend shows each one's own value). */
  stacked?: boolean;
  /** y values are fractions, shown as percentages on the axis. */
  percent?: boolean;
}

export function chartFigure(spec: ChartSpec, caption = ''): string {
  return `<figure class="chart" data-chart="${esc(spec.id)}">
<figcaption>${esc(spec.title)} <span class="points">(${spec.x.length} points)</span>${caption ? ` <small>${caption}</small>` : ''}</figcaption>
<div class="plot"></div>
${jsonScript(`chart-${spec.id}`, spec)}
</figure>`;
}

/** A week's Monday (YYYY-MM-DD) as Unix seconds at 00:00 UTC, uPlot's time axis unit. */
export function weekSeconds(week: string): number {
  return Date.parse(`${week}T00:00:00Z`) / 1000;
}
