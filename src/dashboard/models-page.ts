/** The Models page: per kind, the current version and a table of every version with its scores. */
import { isForecasterKind } from '../models/kinds.ts';
import { esc, num, pct, statusBadge, table } from './html.ts';
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
  const headers = [
    'Version',
    'Status',
    'Mode',
    'Window',
    'Symbols',
    ...(forecaster
      ? ['Test loss', 'Always zero', 'Mean target', 'Against the baselines']
      : ['Sharpe: agent / equal weight', 'CAGR: agent / equal weight', 'Max drawdown: agent / equal weight']),
    'Promoted',
    'Walk-forward',
    'Hugging Face',
  ];
  const rows = view.versions.map((row) => versionCells(row, forecaster, root, kind));
  return `<section class="kind">${heading}${current}${snapshots}${unpublished(view)}${table(headers, rows, 'versions')}${promotionsSection(view, root)}</section>`;
}

function versionCells(row: VersionRow, forecaster: boolean, root: string, kind: KindView['kind']): string[] {
  const { view, metadata, response } = row;
  const metrics = (view.metrics ?? {}) as Record<string, unknown>;
  const window = (metadata?.window ?? null) as { start?: string; end?: string } | null;
  const start = window?.start ?? response?.data_window_start;
  const end = window?.end ?? response?.data_window_end;
  const symbols = (metadata?.symbols_used ?? metadata?.symbols ?? response?.symbols_used) as string[] | undefined;
  const hfUrl = typeof response?.hf_url === 'string' && /^https?:\/\//.test(response.hf_url) ? response.hf_url : null;
  const versionLink = `<a href="${esc(root + href.version(kind, view.version))}">${esc(view.version)}</a>${view.current ? ' <span class="badge">current</span>' : ''}`;
  const scores = forecaster
    ? [num(metrics.test_loss), num(metrics.test_baseline_loss), num(metrics.test_mean_baseline_loss), esc(view.test_vs_baselines ?? '—')]
    : [
        nowrap(`${num(metrics.eval_sharpe, 4)} / ${num(metrics.benchmark_sharpe, 4)}`),
        nowrap(`${pct(metrics.eval_cagr)} / ${pct(metrics.benchmark_cagr)}`),
        nowrap(`${pct(metrics.eval_max_drawdown)} / ${pct(metrics.benchmark_max_drawdown)}`),
      ];
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

const nowrap = (html: string) => `<span class="nowrap">${html}</span>`;
