/** The Models page: per kind, the current version and a table of every version with its scores. */
import { isForecasterKind } from '../models/kinds.ts';
import { spreadText, uncertaintyOf } from '../pipeline/metric-uncertainty.ts';
import { chartFigure } from './chart.ts';
import { esc, num, pct, statusBadge, table } from './html.ts';
import { versionsChart } from './kind-charts.ts';
import { promotionsSection } from './promotions-section.ts';
import type { KindView, VersionRow } from './read-kind.ts';
import { href } from './routes.ts';

export function kindSection(view: KindView, root: string): string {
  const { kind } = view;
  const heading = `<h2 id="${esc(kind)}"><a href="${esc(root + href.kind(kind))}">${esc(kind)}</a></h2>`;
  if (view.versions.length === 0) return `<section class="kind">${heading}<p class="empty">No versions yet: <code>mizan train ${esc(kind)}</code>.</p></section>`;
  const current = view.current
    ? `<p class="current">Current version: <a class="current-version" href="${esc(root + href.version(kind, view.current))}">${esc(view.current)}</a></p>`
    : '<p class="current">No current version: nothing has been promoted.</p>';
  const snapshots =
    view.snapshots && view.snapshots.length > 0
      ? `<p>Walk-forward snapshots (year ends): ${view.snapshots.map((s) => esc(s.year_end)).join(', ')}</p>`
      : isForecasterKind(kind)
        ? '<p>No walk-forward snapshots yet.</p>'
        : '';
  const forecaster = isForecasterKind(kind);
  // Inverse volatility joins equal weight once a version reports it.
  const inverseVol = !forecaster && view.versions.some((row) => typeof metricsOf(row).inverse_vol_sharpe === 'number');
  const benchmarks = inverseVol ? 'equal weight / inverse vol' : 'equal weight';
  const headers = [
    'Version',
    'Status',
    'Mode',
    'Window',
    'Symbols',
    ...(forecaster
      ? ['Test loss', 'Always zero', 'Mean target', 'Against the baselines']
      : [`Sharpe: agent / ${benchmarks}`, `CAGR: agent / ${benchmarks}`, `Max drawdown: agent / ${benchmarks}`]),
    'Promoted',
    'Walk-forward',
    'Hugging Face',
  ];
  const rows = view.versions.map((row) => versionCells(row, forecaster, inverseVol, root, kind));
  const chart = versionsChart(kind, view.versions, forecaster);
  return `<section class="kind">${heading}${current}${snapshots}${unpublished(view)}${table(headers, rows, 'versions')}${chart ? chartFigure(chart, bandNote(forecaster)) : ''}${promotionsSection(view, root)}</section>`;
}

function bandNote(forecaster: boolean): string {
  return forecaster
    ? 'the band: the run\'s seeds, each trained alone (min … max); the line is the stored model'
    : 'the band: the Sharpe\'s stored interval (or the seeds\' min … max)';
}

const metricsOf = (row: VersionRow) => (row.view.metrics ?? {}) as Record<string, unknown>;

function versionCells(row: VersionRow, forecaster: boolean, inverseVol: boolean, root: string, kind: KindView['kind']): string[] {
  const { view, metadata, response } = row;
  const metrics = metricsOf(row);
  const u = uncertaintyOf(metadata);
  const spread = (key: string) => (u.spread[key] && u.spread[key].n > 1 ? ` <span class="spread" title="${esc(`across seeds: ${spreadText(u.spread[key], (v) => num(v))}`)}">± ${num(u.spread[key].std, 2)}</span>` : '');
  const interval = (key: string, fmt: (v: unknown) => string) =>
    u.intervals[key] ? ` <span class="interval">[${fmt(u.intervals[key].low)} … ${fmt(u.intervals[key].high)}]</span>` : '';
  const trio = (k: string, fmt: (v: unknown) => string) =>
    nowrap(`${fmt(metrics[`eval_${k}`])}${interval(`eval_${k}`, fmt)} / ${fmt(metrics[`benchmark_${k}`])}${inverseVol ? ` / ${fmt(metrics[`inverse_vol_${k}`])}` : ''}`);
  const sharpe = (v: unknown) => num(v, 4);
  const window = (metadata?.window ?? null) as { start?: string; end?: string } | null;
  const start = window?.start ?? response?.data_window_start;
  const end = window?.end ?? response?.data_window_end;
  const symbols = (metadata?.symbols_used ?? metadata?.symbols ?? response?.symbols_used) as string[] | undefined;
  const hfUrl = typeof response?.hf_url === 'string' && /^https?:\/\//.test(response.hf_url) ? response.hf_url : null;
  const versionLink = `<a href="${esc(root + href.version(kind, view.version))}">${esc(view.version)}</a>${view.current ? ' <span class="badge">current</span>' : ''}`;
  const scores = forecaster
    ? [num(metrics.test_loss) + spread('test_loss'), num(metrics.test_baseline_loss), num(metrics.test_mean_baseline_loss), esc(view.test_vs_baselines ?? '—') + testsNote(u.tests)]
    : [trio('sharpe', sharpe), trio('cagr', pct), trio('max_drawdown', pct)];
  return [
    versionLink,
    // The status links to the run that made (or failed to make) the version.
    `<a class="run-link" href="${esc(root + href.run(view.execution_id))}">${statusBadge(view.status)}</a>` + (view.error ? `<div class="cause">${esc(view.error.cause)}</div>` : ''),
    esc(metadata?.mode ?? '—'),
    start && end ? `${esc(start)} → ${esc(end)}` : '—',
    symbols ? `<span title="${esc(symbols.join(', '))}">${symbols.length}: ${esc(symbols.slice(0, 6).join(', '))}${symbols.length > 6 ? ', …' : ''}</span>` : '—',
    ...scores,
    view.promoted === null ? '—' : view.promoted ? 'yes' : 'no',
    walkForward(row, forecaster),
    hfUrl ? `<a href="${esc(hfUrl)}">${esc(response?.hf_repo ?? hfUrl)}</a>` : view.publish_error ? `<span class="error">not published</span><div class="cause">${esc(view.publish_error)}</div>` : '—',
  ];
}

/** The versions whose upload failed, and the command that retries it. */
function unpublished(view: KindView): string {
  const failed = view.versions.filter((row) => row.view.status === 'SUCCEEDED' && row.view.publish_error !== null).map((row) => row.view.version);
  if (failed.length === 0) return '';
  return `<p class="unpublished error">Not published to Hugging Face (the upload failed): ${failed.map(esc).join(', ')}. Retry with <code>mizan publish ${esc(view.kind)} VERSION</code>.</p>`;
}

/** Forecasters: which snapshot years this run trained or skipped; agents: their walk-forward source. */
function walkForward(row: VersionRow, forecaster: boolean): string {
  if (forecaster) {
    const outcomes = row.view.snapshots as { year_end: string; outcome: string }[] | null;
    if (!Array.isArray(outcomes)) return row.view.status === 'SUCCEEDED' ? 'no snapshots in this run' : '—';
    return outcomes.map((o) => nowrap(`${esc(o.year_end)} ${esc(o.outcome)}`)).join('<br>');
  }
  const mode = row.metadata?.walk_forward ?? row.response?.walk_forward;
  const used = row.metadata?.snapshots_used as string[] | undefined;
  return mode ? `${esc(mode)}${used ? `:<br>${used.map((u) => nowrap(esc(u))).join('<br>')}` : ''}` : '—';
}

/** The p-values of the stored tests against the baselines, one line under the verdict. */
function testsNote(tests: ReturnType<typeof uncertaintyOf>['tests']): string {
  const parts = Object.values(tests).map((t) => `vs ${esc(t.against)} p ${t.p_value === null ? 'n/a' : num(t.p_value, 2)}`);
  return parts.length > 0 ? `<div class="tests note">${parts.join(', ')}</div>` : '';
}

const nowrap = (html: string) => `<span class="nowrap">${html}</span>`;
