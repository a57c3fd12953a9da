/** `mizan allocate`'s table: the target weights beside what the agent saw, and the rebalance when a portfolio is given. */
import type { Allocation } from '../allocate.ts';

const percent = (x: number) => `${(x * 100).toFixed(2)} %`;
const money = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signedMoney = (x: number) => `${x >= 0 ? '+' : '-'}${money(Math.abs(x))}`;
const feature = (x: number | null) => (x === null ? 'n/a' : Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4));

export function formatAllocation(a: Allocation): string {
  const source = a.forecaster.walk_forward === 'final_model' ? `the final ${a.forecaster.kind} model (not walk-forward)` : `the ${a.forecaster.kind} snapshot ${a.forecaster.snapshot}`;
  const lines = [
    `${a.kind} ${a.version} (${a.algorithm}): target weights for the week of ${a.week}`,
    `as of ${a.as_of} (prices through ${a.data_through ?? 'n/a'}); forecasts by ${source}; the agent observed ${a.observed_weights === 'portfolio' ? 'the given portfolio' : 'all cash'}`,
    `rules: each stock ≤ ${percent(a.rules.max_stock_weight)}, cash ≥ ${percent(a.rules.min_cash)}, costs ${a.rules.cost_bps} bps of turnover`,
    ...notTradingLines(a),
    '',
  ];
  const featureNames = Object.keys(a.features[a.symbols[0]] ?? {});
  const rebalance = a.rebalance;
  const header = ['symbol', ...(rebalance ? ['held'] : []), 'target', ...(rebalance ? ['trade'] : []), ...featureNames];
  const rows = [...a.symbols, 'cash'].map((name) => [
    name,
    ...(rebalance ? [percent(rebalance.current_weights[name])] : []),
    percent(a.target_weights[name]),
    ...(rebalance ? [signedMoney(rebalance.trades[name])] : []),
    ...featureNames.map((f) => (name === 'cash' ? '' : feature(a.features[name][f]))),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  for (const row of [header, ...rows]) lines.push(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd());
  if (rebalance) {
    lines.push('', `portfolio ${money(rebalance.portfolio_value)}: turnover ${percent(rebalance.turnover)}, cost ${money(rebalance.cost_value)} (${rebalance.cost_bps} bps × turnover)`);
  }
  return lines.join('\n');
}

/** One line naming the symbols that no longer trade (their weight is held in cash), none when all trade. */
function notTradingLines(a: Allocation): string[] {
  const gone = Object.entries(a.not_trading);
  if (gone.length === 0) return [];
  return [`not trading (their weight held in cash): ${gone.map(([symbol, last]) => `${symbol} (last session ${last})`).join(', ')}`];
}
