import { csvField } from '../data/csv.ts';
import type { WalkForwardRow } from './walk-forward.ts';

export const FORECAST_CSV_HEADER = ['symbol', 'week_start', 'week_end', 'forecast', 'snapshot', 'walk_forward', 'realised'] as const;

/** Machine-readable: one row per (symbol, week), numbers at full precision, empty for unknown. */
export function formatForecastsCsv(rows: readonly WalkForwardRow[]): string {
  const lines = [FORECAST_CSV_HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [r.symbol, r.weekStart, r.weekEnd, r.forecast, r.snapshot ?? '', r.walk_forward, r.realised ?? ''].map((v) => csvField(v)).join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** For a person: aligned columns, returns in percent, and a footer saying which models made the forecasts. */
export function formatForecastsTable(rows: readonly WalkForwardRow[]): string {
  if (rows.length === 0) return 'no forecasts: no complete week in the range\n';
  const header = ['symbol', 'week', 'forecast', 'snapshot used', 'realised'];
  const body = rows.map((r) => [
    r.symbol,
    `${r.weekStart}..${r.weekEnd}`,
    percent(r.forecast),
    r.snapshot ?? 'FINAL MODEL (not walk-forward)',
    r.realised === null ? '-' : percent(r.realised),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const numeric = new Set([2, 4]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line), '', ...summary(rows)].join('\n') + '\n';
}

function summary(rows: readonly WalkForwardRow[]): string[] {
  const symbols = new Set(rows.map((r) => r.symbol));
  const weeks = new Set(rows.map((r) => r.weekStart));
  const bySnapshot = new Map<string, number>();
  for (const r of rows) bySnapshot.set(r.snapshot ?? 'final model', (bySnapshot.get(r.snapshot ?? 'final model') ?? 0) + 1);
  const lines = [
    `${rows.length} forecasts: ${symbols.size} symbol(s) x ${weeks.size} week(s)`,
    `made by: ${[...bySnapshot].map(([name, n]) => `${name === 'final model' ? name : `snapshot ${name}`} (${n})`).join(', ')}`,
  ];
  const finalRows = rows.filter((r) => r.walk_forward === 'final_model').length;
  if (finalRows > 0) lines.push(`warning: ${finalRows} forecast(s) come from the final model, which was trained on data after those weeks (walk_forward: final_model)`);
  // Only walk-forward rows: the final model has seen those weeks, its hit rate would flatter it.
  const known = rows.filter((r) => r.realised !== null && r.walk_forward === 'snapshot');
  if (known.length > 0) {
    const hits = known.filter((r) => Math.sign(r.forecast) === Math.sign(r.realised as number)).length;
    // The baseline beside it: "always up" is right whenever the week rose.
    const ups = known.filter((r) => (r.realised as number) > 0).length;
    const pct = (n: number) => ((100 * n) / known.length).toFixed(1);
    lines.push(`direction right in ${hits} of ${known.length} walk-forward forecasts with a known outcome (${pct(hits)}%; always-up baseline ${pct(ups)}%)`);
  }
  return lines;
}

function percent(value: number): string {
  return `${value >= 0 ? '+' : ''}${(value * 100).toFixed(2)}%`;
}
