/**
 * The model card (README.md) of a published branch: what the model is, what it was trained on, how
 * it did beside its baselines, why it was or was not promoted, and how to restore it. Pure: built
 * only from metadata.json and the promotion decision, so the same version always gets the same card
 * (a repeated publish finds nothing to change).
 */
import { isAgentKind } from '../models/kinds.ts';
import type { RankBaselineName } from '../snapshots/rank-baselines.ts';
import type { WalkForwardScore, WalkForwardScoreLine } from '../snapshots/walk-forward-score.ts';
import type { PromotionOutcome } from './decide-promotion.ts';
import { intervalText, spreadText, testText, uncertaintyOf, varies, type Uncertainty } from './metric-uncertainty.ts';

type Metadata = Record<string, unknown>;

export interface VersionCardInput {
  metadata: Metadata;
  promotion: PromotionOutcome | null;
  hf_repo: string;
  /** Forecasters: the snapshot branches of this run's year ends, published beside it. */
  snapshotBranches: string[];
  /** Forecasters: the stored walk-forward score of those snapshots (absent: not scored). */
  walkForward?: WalkForwardScore | null;
}

export function versionCard(input: VersionCardInput): string {
  const m = input.metadata;
  const kind = String(m.kind);
  const version = String(m.version);
  const agent = isAgentKind(kind);
  const symbols = stringList(m.symbols_used ?? m.symbols);
  const window = m.window as { start?: string; end?: string } | undefined;
  return [
    frontMatter(kind),
    `# mizan ${kind} ${version}`,
    '',
    agent
      ? `A portfolio agent (${kind}) trained by mizan: each week it sets the weights of a halal universe from the forecasts of walk-forward forecaster snapshots and price features.`
      : `A weekly-return forecaster (${kind}) trained by mizan on a halal universe: it predicts each symbol's return over the next week.`,
    '',
    '| | |',
    '|---|---|',
    row('Kind', kind),
    row('Version', version),
    row('Mode', m.mode),
    row('Profile', m.profile),
    row('Window', window ? `${window.start} .. ${window.end}` : undefined),
    row(`Symbols (${symbols.length})`, symbols.join(', ')),
    row('Data source', m.source),
    row('Data fingerprint', m.data_fingerprint),
    row('Code version', m.code_version),
    row('Backend', m.backend),
    ...(m.base_version ? [row('Fine-tuned from', m.base_version)] : []),
    '',
    '## Metrics',
    '',
    ...(agent ? agentMetrics(m) : forecasterMetrics(m)),
    '',
    '## Walk-forward',
    '',
    ...(agent ? agentWalkForward(m) : forecasterWalkForward(input.snapshotBranches, input.walkForward ?? null)),
    '',
    '## Promotion',
    '',
    ...promotionLines(input.promotion),
    '',
    // main carries the same card: it restores the version
    ...configFilesAndPull(m, kind, version, input.hf_repo),
  ].join('\n');
}

export interface SnapshotCardInput {
  metadata: Metadata;
  hf_repo: string;
  branch: string;
}

/** The card of a yearly snapshot: a forecaster trained only on data up to its year end. */
export function snapshotCard(input: SnapshotCardInput): string {
  const m = input.metadata;
  const kind = String(m.kind);
  const metrics = (m.metrics ?? {}) as Record<string, number>;
  const window = m.window as { start?: string; end?: string } | undefined;
  const symbols = stringList(m.symbols);
  return [
    frontMatter(kind),
    `# mizan ${kind} snapshot ${m.year_end}`,
    '',
    `A point-in-time ${kind} forecaster: trained only on data up to and including ${m.year_end}, on the universe as of that day. ` +
      `Walk-forward forecasts for the weeks of the following year use it, so no forecast ever comes from a model that saw its week.`,
    '',
    '| | |',
    '|---|---|',
    row('Kind', kind),
    row('Year end (cutoff)', m.year_end),
    row('Snapshot key', m.snapshot_key),
    row('Window', window ? `${window.start} .. ${window.end}` : undefined),
    row('Last training week end', m.last_training_week_end),
    row(`Symbols (${symbols.length})`, symbols.join(', ')),
    row('Made by run', m.made_by_version),
    row('Code version', m.code_version),
    '',
    '## Metrics (MSE of weekly returns)',
    '',
    '| Segment | Model | Zero-return baseline |',
    '|---|---|---|',
    `| Train | ${num(metrics.train_loss)} | |`,
    `| Validation | ${num(metrics.val_loss)} | ${num(metrics.baseline_loss)} |`,
    ...(metrics.test_loss !== undefined ? [`| Test | ${num(metrics.test_loss)} | |`] : []),
    '',
    ...configFilesAndPull(m, kind, input.branch, input.hf_repo),
  ].join('\n');
}

function frontMatter(kind: string): string {
  return ['---', 'library_name: tensorflow.js', `tags: [mizan, finance, halal, ${kind.replaceAll('_', '-')}]`, '---'].join('\n');
}

function forecasterMetrics(m: Metadata): string[] {
  const x = (m.metrics ?? {}) as Record<string, number>;
  const u = uncertaintyOf(m);
  const cell = (name: string) => withInterval(x[name], name, u);
  return [
    'Mean squared error of the weekly returns. The baselines predict a zero return, or the mean weekly return of the training targets.',
    '',
    '| Segment | Model | Zero-return baseline | Mean-return baseline |',
    '|---|---|---|---|',
    `| Train | ${cell('train_loss')} | | |`,
    `| Validation | ${cell('val_loss')} | ${cell('baseline_loss')} | ${cell('mean_baseline_loss')} |`,
    `| Test | ${cell('test_loss')} | ${cell('test_baseline_loss')} | ${cell('test_mean_baseline_loss')} |`,
    ...(typeof m.test_vs_baselines === 'string' ? ['', `On the test weeks: ${m.test_vs_baselines}.`] : []),
    ...seedsLine(m),
    ...uncertaintyLines(u),
  ];
}

function agentMetrics(m: Metadata): string[] {
  const x = (m.metrics ?? {}) as Record<string, number>;
  const u = uncertaintyOf(m);
  const weeks = ((m.response as { evaluation_weeks?: { first: string; last: string; count: number } } | undefined)?.evaluation_weeks) ?? undefined;
  const rows: [string, string][] = [['Sharpe', 'sharpe'], ['CAGR', 'cagr'], ['Max drawdown', 'max_drawdown']];
  // Inverse volatility stands beside equal weight once a run reports it.
  const inverseVol = rows.some(([, k]) => x[`inverse_vol_${k}`] !== undefined);
  const shown = new Set(rows.flatMap(([, k]) => [`eval_${k}`, `benchmark_${k}`, `inverse_vol_${k}`]));
  const others = Object.entries(x).filter(([name]) => !shown.has(name));
  const cell = (name: string) => withInterval(x[name], name, u);
  return [
    `On the held-out evaluation weeks${weeks ? ` (${weeks.count} weeks, ${weeks.first} .. ${weeks.last})` : ''}, beside the ${inverseVol ? 'equal-weight and inverse-volatility benchmarks' : 'equal-weight benchmark'} under the same rules:`,
    '',
    `| Metric | Agent | Equal-weight benchmark |${inverseVol ? ' Inverse-volatility benchmark |' : ''}`,
    `|---|---|---|${inverseVol ? '---|' : ''}`,
    ...rows.map(([label, k]) => `| ${label} | ${cell(`eval_${k}`)} | ${cell(`benchmark_${k}`)} |${inverseVol ? ` ${cell(`inverse_vol_${k}`)} |` : ''}`),
    ...agentSeedsLine(m),
    ...uncertaintyLines(u),
    '',
    'Training:',
    '',
    ...others.map(([name, value]) => `- ${name}: ${num(value)}`),
  ];
}

/** What the stored model is when the run trained several seeds. */
function seedsLine(m: Metadata): string[] {
  const seeds = m.seeds as { count?: number; combine?: string } | undefined;
  if (!seeds || typeof seeds.count !== 'number' || seeds.count < 2) return [];
  const what = seeds.combine === 'best_val' ? 'the seed with the best validation loss' : 'the mean of their forecasts (a seed ensemble)';
  return ['', `The run trained ${seeds.count} seeds; the model above is ${what}.`];
}

/** An agent run of several seeds: what is stored (the best validation seed or their ensemble) and the other's test Sharpe (agent-trainer.ts writes the line). */
function agentSeedsLine(m: Metadata): string[] {
  const seeds = (m.response as { seeds?: { count?: number; summary?: string } } | undefined)?.seeds;
  if (!seeds || typeof seeds.summary !== 'string' || typeof seeds.count !== 'number') return [];
  return ['', `The run trained ${seeds.count} seeds. ${seeds.summary}`];
}

/** A metric with its interval when the metadata has one: "1.42 (90 % interval 0.61 … 2.2)". */
function withInterval(value: unknown, name: string, u: Uncertainty): string {
  const interval = u.intervals[name];
  return interval ? `${num(value)} (${intervalText(interval, num)})` : num(value);
}

/** The spread of each metric across the run's seeds, and the tests against the baselines. */
function uncertaintyLines(u: Uncertainty): string[] {
  const spread = Object.entries(u.spread).filter(([, s]) => varies(s));
  const tests = Object.entries(u.tests);
  return [
    ...(spread.length > 0
      ? ['', 'Across the seeds of the run (each seed trained alone: mean ± std, min … max):', '', ...spread.map(([name, s]) => `- ${name}: ${spreadText(s, num)}`)]
      : []),
    ...(tests.length > 0
      ? ['', 'Tests against the baselines on the same weeks (one-sided: p is the chance of a result this good for the model were it no better):', '', ...tests.map(([name, t]) => `- ${name}: ${testText(t, num)}`)]
      : []),
  ];
}

function forecasterWalkForward(branches: string[], score: WalkForwardScore | null): string[] {
  const lines =
    branches.length === 0
      ? ['No yearly snapshots were published with this version.']
      : [
          'Walk-forward forecasts come from yearly snapshots, each trained only on data up to its year end; they are on these branches of this repo:',
          '',
          ...branches.map((b) => `- \`${b}\``),
        ];
  return score ? [...lines, '', ...walkForwardScoreLines(score)] : lines;
}

const RANK_BASELINE_LABELS: Record<RankBaselineName, string> = { momentum_12_1: '12-1 momentum', reversal_1w: '1-week reversal' };

/** The stored walk-forward score: per snapshot year and in total, the model's rank IC beside the two price rankings'. */
function walkForwardScoreLines(score: WalkForwardScore): string[] {
  const names = Object.keys(score.total.baselines ?? {}) as RankBaselineName[];
  // As the trainer's log line says them: the IC to 4 decimals, its t to 2.
  const fixed = (v: number | null | undefined, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
  const ic = (mean: number | null | undefined, t: number | null | undefined) => (typeof mean === 'number' ? `${fixed(mean, 4)} (t ${fixed(t, 2)})` : 'n/a');
  const pct = (v: number | null) => (v === null ? 'n/a' : `${(100 * v).toFixed(1)} %`);
  const row = (label: string, l: WalkForwardScoreLine) =>
    `| ${label} | ${l.weeks} | ${pct(l.hit_rate)} | ${pct(l.always_up_rate)} | ${ic(l.rank_ic_mean, l.rank_ic_t)} |${names.map((n) => ` ${ic(l.baselines?.[n]?.rank_ic_mean, l.baselines?.[n]?.rank_ic_t)} |`).join('')}`;
  const gap = names
    .map((n) => ({ n, b: score.total.baselines![n] }))
    .filter(({ b }) => b.model_minus_baseline !== null)
    .map(({ n, b }) => `${RANK_BASELINE_LABELS[n]} ${fixed(b.model_minus_baseline, 4)} (t ${fixed(b.model_minus_baseline_t, 2)}, ${b.rank_ic_weeks} weeks)`);
  return [
    `Scored on ${score.symbols.length} symbols, ${score.from} .. ${score.to}, each week by the latest snapshot before it. Rank IC: the weekly Spearman correlation of forecasts and outcomes across symbols, its mean and t-stat over the weeks${names.length > 0 ? '; beside it the same IC of two price rankings known before each week' : ''}:`,
    '',
    `| Snapshot | Weeks | Hit rate | Always up | Rank IC (t) |${names.map((n) => ` ${RANK_BASELINE_LABELS[n]} IC (t) |`).join('')}`,
    `|---|---|---|---|---|${names.map(() => '---|').join('')}`,
    ...score.years.map((y) => row(y.year_end, y)),
    row('All years', score.total),
    ...(gap.length > 0 ? ['', `The model's weekly IC minus each ranking's, on the same weeks: ${gap.join('; ')}.`] : []),
  ];
}

function agentWalkForward(m: Metadata): string[] {
  const used = stringList(m.snapshots_used);
  return [
    `Mode: \`${String(m.walk_forward ?? 'unknown')}\`: the forecasts in the agent's observations came from forecaster snapshots trained before each week, never from a model that saw it.`,
    ...(used.length > 0 ? ['', `Snapshots used (${String((m.config as { forecaster?: string } | undefined)?.forecaster ?? 'forecaster')}): ${used.join(', ')}.`] : []),
  ];
}

function promotionLines(promotion: PromotionOutcome | null): string[] {
  if (!promotion) return ['No promotion decision was recorded for this version.'];
  const lines = [
    `${promotion.promoted ? '**Promoted**: this version became the current model' : '**Not promoted**: the current model stayed'} (${promotion.compared_on.replaceAll('_', ' ')}).`,
    '',
    `Reason: ${promotion.reason}`,
    '',
    `Prior current model: ${promotion.prior_version ?? 'none (first model)'}`,
  ];
  const c = promotion.comparison;
  if (c && c.candidate_score !== undefined && c.current_score !== undefined) {
    lines.push('', `Compared with ${c.against} on ${c.metric} (${c.better} is better): this version ${num(c.candidate_score)}, current ${num(c.current_score)}.`);
  }
  if (promotion.rule) lines.push('', `Rule that decided: \`${promotion.rule}\`${promotion.level !== undefined ? ` (one-sided level ${promotion.level}, age rule after ${promotion.max_age_weeks} weeks of data)` : ''}.`);
  const t = promotion.test;
  if (t) {
    lines.push(
      '',
      `Test: ${t.method === 'diebold_mariano' ? 'Diebold–Mariano on the weekly loss differential' : 'paired Sharpe difference (Jobson–Korkie, Memmel)'}, ` +
        `statistic ${t.statistic === null ? 'n/a' : num(t.statistic)}, one-sided p ${num(t.p_value)} (better) / ${num(t.p_value_worse)} (worse), ` +
        `${t.weeks.count} weeks ${t.weeks.first} to ${t.weeks.last}.`,
    );
  }
  return lines;
}

function filesSection(m: Metadata): string[] {
  const files = (m.files ?? {}) as Record<string, string>;
  return [
    '## Files',
    '',
    'metadata.json lists the sha256 of every other file; `mizan pull` checks each one.',
    '',
    '| File | sha256 |',
    '|---|---|',
    ...Object.keys(files)
      .sort()
      .map((name) => `| ${name} | \`${files[name]}\` |`),
    '',
  ];
}

function pullSection(kind: string, branch: string, repo: string): string[] {
  return [
    '## Restore',
    '',
    'With mizan (HF_TOKEN set for a private repo):',
    '',
    '```sh',
    `mizan pull ${kind} ${branch} --from-hf ${repo} --data-dir ./data`,
    '```',
    '',
    `It downloads this branch into the data dir (${branch.startsWith('snapshot-') ? `models/snapshots/${kind}/${branch.slice('snapshot-'.length)}` : `models/${kind}/${branch}`}/) and verifies every file against metadata.json.`,
    '',
  ];
}

function row(label: string, value: unknown): string {
  return `| ${label} | ${value === undefined || value === null || value === '' ? 'n/a' : String(value)} |`;
}

function num(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(5))) : 'n/a';
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The end of every card: the config, the files with their sha256, and how to pull the branch. */
function configFilesAndPull(m: Metadata, kind: string, branch: string, repo: string): string[] {
  return ['## Config', '', '```json', JSON.stringify(m.config ?? {}, null, 2), '```', '', ...filesSection(m), ...pullSection(kind, branch, repo)];
}
