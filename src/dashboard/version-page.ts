/** The Version page: what the version is, how it scored, how training went, and why it was (not) promoted. */
import type { ModelKind } from '../config/model-kinds.ts';
import { isForecasterKind } from '../models/kinds.ts';
import { chartFigure } from './chart.ts';
import { esc, num, pct, statusBadge, table } from './html.ts';
import { MIN_SYMBOLS_PER_WEEK } from '../snapshots/format-forecasts.ts';
import type { RankBaselineName } from '../snapshots/rank-baselines.ts';
import type { WalkForwardScoreLine } from '../snapshots/walk-forward-score.ts';
import type { VersionView } from './read-version.ts';
import { href } from './routes.ts';
import { seedCandidatesSection } from './seed-candidates-html.ts';
import { metricCell, spreadCells, testsSection } from './uncertainty-html.ts';
import { agentTrainingCharts, drawdownChart, equityChart, forecasterTrainingChart, walkForwardIcChart, weightsChart } from './version-charts.ts';

export function versionBody(kind: ModelKind, view: VersionView, root: string): string {
  const { record, metadata } = view;
  const parts = [summary(kind, view, root)];
  if (record.error) parts.push(`<section class="failure"><h2>Failed</h2><p class="error">${esc(record.error.error)}</p><p class="cause">${esc(record.error.cause)}</p></section>`);
  if (metadata) parts.push(isForecasterKind(kind) ? forecasterSections(kind, view) : agentSections(view));
  else if (record.status !== 'FAILED') parts.push('<p>No model is committed for this version yet (its metadata.json is written last).</p>');
  parts.push(promotionSection(kind, view, root));
  return parts.join('\n');
}

function summary(kind: ModelKind, view: VersionView, root: string): string {
  const { record, metadata: m } = view;
  const window = m?.window as { start: string; end: string } | undefined;
  const symbols = (m?.symbols_used ?? m?.symbols) as string[] | undefined;
  const item = (term: string, value: string) => `<dt>${term}</dt><dd>${value}</dd>`;
  return `<dl class="summary">
${item('Kind', `<a href="${esc(root + href.kind(kind))}">${esc(kind)}</a>`)}
${item('Status', statusBadge(record.status) + (view.current ? ' <span class="badge">current</span>' : ''))}
${m ? item('Mode', esc(m.mode)) + item('Profile', esc(m.profile)) : ''}
${window ? item('Window', `${esc(window.start)} → ${esc(window.end)}`) : ''}
${symbols ? item('Symbols', `${symbols.length}: ${esc(symbols.join(', '))}`) : ''}
${m ? item('Backend', esc(m.backend)) + item('Code version', `<code>${esc(m.code_version)}</code>`) + item('Data fingerprint', `<code>${esc(String(m.data_fingerprint ?? '').slice(0, 16))}…</code>`) : ''}
${m ? item('Trained', `${esc(m.created_at)} in ${num(m.train_seconds, 4)} s`) : ''}
${item('Run', `<a href="${esc(root + href.run(record.executionId))}">${esc(record.executionId)}</a>, claimed ${esc(record.claimedAt)}`)}
</dl>`;
}

function forecasterSections(kind: ModelKind, view: VersionView): string {
  const m = view.metadata!;
  const metrics = (m.metrics ?? {}) as Record<string, unknown>;
  const cell = (key: string) => metricCell(m, metrics, key, (v) => num(v));
  // The seeds' spread of each segment's loss, when the run trained several.
  const seeds = spreadCells(m, ['train_loss', 'val_loss', 'test_loss'], (v) => num(v));
  const scores = table(
    ['Weeks', 'Loss', 'Always zero', 'Mean target', ...(seeds ? ['Across seeds (mean ± std, min … max)'] : [])],
    [
      ['train', cell('train_loss'), '—', '—', ...(seeds ? [seeds[0]] : [])],
      ['validation', cell('val_loss'), cell('baseline_loss'), cell('mean_baseline_loss'), ...(seeds ? [seeds[1]] : [])],
      ['test', cell('test_loss'), cell('test_baseline_loss'), cell('test_mean_baseline_loss'), ...(seeds ? [seeds[2]] : [])],
    ],
    'scores',
  );
  const split = m.split as Record<string, unknown> | undefined;
  const splitLine = split
    ? `<p>Split by date: train ${esc(split.trainFirstWeek)} → ${esc(split.trainLastWeek)} (${esc(split.trainWeeks)} weeks), validation ${esc(split.valFirstWeek)} → ${esc(split.valLastWeek)} (${esc(split.valWeeks)}), test ${esc(split.testFirstWeek)} → ${esc(split.testLastWeek)} (${esc(split.testWeeks)}); best epoch ${esc(m.best_epoch)}.</p>`
    : '';
  const chart = forecasterTrainingChart(m);
  return `<section><h2>Scores (MSE of weekly returns)</h2>${scores}
<p class="verdict">${esc(m.test_vs_baselines ?? '')}</p>${testsSection(m)}${splitLine}</section>
<section><h2>Training</h2>${chart ? chartFigure(chart) : '<p>No per-epoch history stored.</p>'}</section>
${snapshotSection(kind, view)}`;
}

function snapshotSection(kind: ModelKind, view: VersionView): string {
  const rows = view.snapshotOutcomes.map((o) => {
    const s = (o.metrics ?? {}) as Record<string, unknown>;
    return [esc(o.yearEnd), esc(o.outcome), `<code>${esc(o.snapshotKey)}</code>`, esc(o.lastTrainingWeekEnd), num(s.test_loss), num(s.test_baseline_loss), num(s.test_mean_baseline_loss)];
  });
  const outcomes = rows.length
    ? table(['Year end', 'This run', 'Snapshot', 'Last training week', 'Test loss', 'Always zero', 'Mean target'], rows, 'snapshots')
    : '<p>This run trained no snapshot years.</p>';
  return `<section><h2>Walk-forward snapshots</h2>${outcomes}
${walkForwardScore(kind, view)}</section>`;
}

/** runs/{kind}/{version}/walk-forward.json as stored by "Score walk-forward": each year's forecasts, then all of them. */
function walkForwardScore(kind: ModelKind, view: VersionView): string {
  const score = view.walkForward;
  if (!score) {
    return `<p class="walk-forward-missing">Walk-forward hit rate: not scored (the run skipped its snapshots, or predates scoring); <code>mizan forecasts ${esc(kind)} --from … --to …</code> runs the snapshots.</p>`;
  }
  const names = Object.keys(score.total.baselines ?? {}) as RankBaselineName[];
  const ic = (mean: unknown, t: unknown) => (typeof mean === 'number' ? `${num(mean, 4)} <span class="note">(t ${num(t, 3)})</span>` : '—');
  const line = (label: string, l: WalkForwardScoreLine) => [
    label,
    l.first_week ? `${esc(l.first_week)} → ${esc(l.last_week)}` : '—',
    esc(l.weeks),
    `${pct(l.hit_rate)} <span class="note">(${esc(l.hits)} of ${esc(l.forecasts)})</span>`,
    pct(l.always_up_rate),
    num(l.rank_ic_mean, 4),
    num(l.rank_ic_t, 3),
    esc(l.rank_ic_weeks),
    ...names.map((n) => ic(l.baselines?.[n]?.rank_ic_mean, l.baselines?.[n]?.rank_ic_t)),
  ];
  const rows = [...score.years.map((y) => line(esc(y.year_end), y)), line('all years', score.total)];
  const chart = walkForwardIcChart(score);
  const gaps = names
    .map((n) => ({ n, b: score.total.baselines![n] }))
    .filter(({ b }) => b.model_minus_baseline !== null)
    .map(({ n, b }) => `${esc(RANK_BASELINE_LABELS[n])} ${num(b.model_minus_baseline, 4)} (t ${num(b.model_minus_baseline_t, 3)}, ${esc(b.rank_ic_weeks)} weeks)`);
  return `<h3>Walk-forward hit rate and rank IC</h3>
${table(['Snapshot', 'Weeks forecast', 'Weeks', 'Hit rate', 'Always up', 'Rank IC', 'Rank IC t', 'IC weeks', ...names.map((n) => `${esc(RANK_BASELINE_LABELS[n])} IC`)], rows, 'walk-forward')}
<p class="note">Each week forecast by the latest snapshot before it, for ${esc(score.symbols.length)} symbols; the hit rate counts forecasts whose sign was the week's, “always up” the weeks that rose; rank IC is the weekly Spearman correlation across symbols (weeks with at least ${MIN_SYMBOLS_PER_WEEK}).${names.length > 0 ? ' Beside it, the same IC on the same weeks of two rankings known before each week: 12-1 momentum (the return from 12 months to 1 month before) and 1-week reversal (minus last week\'s return).' : ''}</p>
${gaps.length > 0 ? `<p class="ic-gap">The model's weekly IC minus each ranking's, all years: ${gaps.join('; ')}.</p>` : ''}
${chart ? chartFigure(chart, 'the band: mean ± 1.645 standard errors of the weekly ICs') : ''}`;
}

const RANK_BASELINE_LABELS: Record<RankBaselineName, string> = { momentum_12_1: '12-1 momentum', reversal_1w: '1-week reversal' };

function agentSections(view: VersionView): string {
  const m = view.metadata!;
  const metrics = (m.metrics ?? {}) as Record<string, unknown>;
  const rows: [string, string, (v: unknown) => string][] = [
    ['Sharpe', 'sharpe', (v) => num(v, 4)],
    ['CAGR', 'cagr', pct],
    ['Max drawdown', 'max_drawdown', pct],
  ];
  // Inverse volatility joins equal weight once the run reports it; the seeds' spread when it trained several.
  const inverseVol = rows.some(([, k]) => typeof metrics[`inverse_vol_${k}`] === 'number');
  const seeds = rows.map(([, k, fmt]) => spreadCells(m, [`eval_${k}`], fmt)?.[0]);
  const anySeeds = seeds.some((c) => c !== undefined);
  const scores = table(
    ['', 'Agent', 'Equal weight', ...(inverseVol ? ['Inverse volatility'] : []), ...(anySeeds ? ['Agent across seeds (mean ± std, min … max)'] : [])],
    rows.map(([label, k, fmt], i) => [
      label,
      metricCell(m, metrics, `eval_${k}`, fmt),
      metricCell(m, metrics, `benchmark_${k}`, fmt),
      ...(inverseVol ? [metricCell(m, metrics, `inverse_vol_${k}`, fmt)] : []),
      ...(anySeeds ? [seeds[i] ?? '—'] : []),
    ]),
    'scores',
  );
  type Span = { first: string; last: string; count: number };
  const split = m.split as { train?: Span; validation?: Span; evaluation?: Span; gap_weeks?: number } | undefined;
  const span = (name: string, w: Span) => `${name} ${esc(w.first)} → ${esc(w.last)} (${esc(w.count)} weeks)`;
  const splitLine = split?.train && split.evaluation
    ? `<p>${span('Train', split.train)}, ${split.validation ? `${span('validation', split.validation)}, ` : ''}${span('evaluation', split.evaluation)}, with gaps of ${esc(split.gap_weeks)} weeks; ${esc(metrics.timesteps)} steps, ${esc(metrics.episodes_completed)} episodes, mean episode return ${num(metrics.avg_episode_return, 4)}.</p>`
    : '';
  // The same deterministic policy on each segment: a training Sharpe far above the others is overfitting.
  const segments = typeof metrics.train_sharpe === 'number'
    ? `<p class="segments">Sharpe by segment: train ${num(metrics.train_sharpe, 4)}, validation ${num(metrics.val_sharpe, 4)}, evaluation ${num(metrics.eval_sharpe, 4)}.</p>`
    : '';
  const training = agentTrainingCharts(m).map((c) => chartFigure(c)).join('\n');
  const equity = equityChart(m);
  const drawdown = drawdownChart(m);
  const weights = weightsChart(m);
  return `<section><h2>Evaluation (deterministic, from all cash, costs included)</h2>${scores}${segments}${seedCandidatesSection(m)}${testsSection(m)}${splitLine}
${equity ? chartFigure(equity) : '<p>No evaluation curve stored.</p>'}
${drawdown ? chartFigure(drawdown, `largest: agent ${pct(metrics.eval_max_drawdown)}, equal weight ${pct(metrics.benchmark_max_drawdown)}${inverseVol ? `, inverse volatility ${pct(metrics.inverse_vol_max_drawdown)}` : ''}`) : ''}
${weights ? chartFigure(weights) : ''}</section>
<section><h2>Training</h2>${training || '<p>No per-update history stored.</p>'}${m.training && typeof (m.training as Record<string, unknown>).note === 'string' ? `<p class="note">${esc((m.training as Record<string, unknown>).note)}</p>` : ''}</section>`;
}

function promotionSection(kind: ModelKind, view: VersionView, root: string): string {
  const p = view.promotion;
  if (!p) return '<section><h2>Promotion</h2><p>No promotion decision recorded.</p></section>';
  const prior = !p.prior_version
    ? 'none'
    : view.priorExists
      ? `<a href="${esc(root + href.version(kind, p.prior_version))}">${esc(p.prior_version)}</a>`
      : `${esc(p.prior_version)} <small>(deleted)</small>`;
  const c = p.comparison;
  const comparison = c
    ? table(
        ['Metric', 'This version', `Current then (${esc(c.against)})`, 'Better', 'Weeks', 'Samples'],
        [[esc(c.metric), num(c.candidate_score), num(c.current_score), esc(c.better), c.weeks ? `${esc(c.weeks.first)} → ${esc(c.weeks.last)} (${esc(c.weeks.count)})` : '—', esc(c.samples ?? '—')]],
        'comparison',
      ) + `<p class="note">${esc(c.reason)}</p>`
    : '';
  return `<section><h2>Promotion</h2>
<p class="decision ${p.promoted ? 'promoted' : 'not-promoted'}">${p.promoted ? 'Promoted' : 'Not promoted'}: ${esc(p.reason)}</p>
<p>Compared on: ${esc(p.compared_on)}; current before: ${prior}</p>${comparison}</section>`;
}
