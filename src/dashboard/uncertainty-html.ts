/**
 * The uncertainty of a version's metrics as the Version page shows it, in the model card's words
 * (pipeline/metric-uncertainty.ts): a metric with its interval, the seeds' spread, the tests
 * against the baselines. Nothing is shown for a version that stored none of it.
 */
import { againstText, intervalText, methodText, spreadText, uncertaintyOf, weeksOf } from '../pipeline/metric-uncertainty.ts';
import { esc, num, table } from './html.ts';
import type { Metadata } from './read-kind.ts';

type Format = (value: unknown) => string;

/** The metric's value, and under it its stored interval when there is one. */
export function metricCell(metadata: Metadata, metrics: Record<string, unknown>, key: string, fmt: Format): string {
  const interval = uncertaintyOf(metadata).intervals[key];
  return interval ? `${fmt(metrics[key])}<div class="interval note">${esc(intervalText(interval, fmt))}</div>` : fmt(metrics[key]);
}

/** One cell per metric with the spread across seeds; undefined when none of them has a spread. */
export function spreadCells(metadata: Metadata, keys: readonly string[], fmt: Format): string[] | undefined {
  const spread = uncertaintyOf(metadata).spread;
  if (!keys.some((k) => spread[k] && spread[k].n > 1)) return undefined;
  return keys.map((k) => (spread[k] && spread[k].n > 1 ? `<span class="spread">${esc(spreadText(spread[k], fmt))}</span>` : '—'));
}

/** The tests against the baselines: statistic, one-sided p-value, weeks. Empty without tests. */
export function testsSection(metadata: Metadata): string {
  const tests = Object.entries(uncertaintyOf(metadata).tests);
  if (tests.length === 0) return '';
  const differences = tests.some(([, t]) => typeof t.difference === 'number');
  const rows = tests.map(([name, t]) => [
    `<code>${esc(name)}</code>`,
    esc(methodText(t.method)),
    esc(againstText(t.against)),
    ...(differences ? [num(t.difference, 4)] : []),
    num(t.statistic, 4),
    t.p_value === null ? '— <span class="note">(too few weeks)</span>' : num(t.p_value, 3),
    esc(weeksOf(t) ?? '—'),
  ]);
  return `<h3>Tests against the baselines</h3>
${table(['Test', 'Method', 'Against', ...(differences ? ['Difference'] : []), 'Statistic', 'One-sided p', 'Weeks'], rows, 'tests')}
<p class="note">On the same weeks; p is the chance of a result at least this favourable to the model were it no better than the baseline (small p: reliably better).</p>`;
}
