/**
 * A kind's promotion history on the Models page: every move of `current`, newest first, with who
 * made it, automatic or manual, from which version and why; for a run's automatic promotion, the
 * rule that decided and the test behind it (method, statistic, one-sided p-value against the level,
 * the weeks), from the run's stored response. A version the registry no longer has (`mizan gc`
 * deleted it) is named without a link.
 */
import type { PromotionEntry } from '../ports/model-registry.ts';
import { esc, num, table } from './html.ts';
import type { KindView } from './read-kind.ts';
import { href } from './routes.ts';

/** The parts of a stored response's `promotion` (src/pipeline/record-result.ts) shown here. */
interface StoredPromotion {
  rule?: string;
  level?: number;
  age_weeks?: number | null;
  test?: { method?: string; statistic?: number | null; p_value?: number; p_value_worse?: number; level?: number; weeks?: { first?: string; last?: string; count?: number } } | null;
}

const METHODS: Record<string, string> = { diebold_mariano: 'Diebold–Mariano', sharpe_difference: 'Sharpe difference (JK–Memmel)' };

export function promotionsSection(view: KindView, root: string): string {
  if (view.promotions.length === 0) return '';
  const known = new Set(view.versions.map((row) => row.view.version));
  const responses = new Map(view.versions.map((row) => [row.view.version, row.response]));
  const version = (name: string | null) => {
    if (name === null) return '<span class="empty">none</span>';
    return known.has(name) ? `<a href="${esc(root + href.version(view.kind, name))}">${esc(name)}</a>` : `${esc(name)} <small>(deleted)</small>`;
  };
  const rows = [...view.promotions].reverse().map((entry: PromotionEntry) => {
    const decision = entry.trigger === 'automatic' && entry.action === 'promote' && entry.to !== null ? storedPromotion(responses.get(entry.to)) : undefined;
    return [
      String(entry.seq),
      `<span class="nowrap">${esc(entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</span>`,
      `${version(entry.from)} → ${version(entry.to)}`,
      `<span class="move move-${esc(entry.trigger)}">${esc(entry.trigger)} ${esc(entry.action)}</span>`,
      esc(entry.by),
      decision?.rule ? `<code>${esc(decision.rule)}</code>${decision.rule === 'age' && typeof decision.age_weeks === 'number' ? ` <small>(${esc(decision.age_weeks)} weeks)</small>` : ''}` : '—',
      testCell(decision),
      esc(entry.reason),
    ];
  });
  return `<h3>Promotion history</h3>${table(['#', 'When (UTC)', 'From → to', 'How', 'By', 'Rule', 'Test', 'Why'], rows, 'promotions')}`;
}

function storedPromotion(response: Record<string, unknown> | null | undefined): StoredPromotion | undefined {
  const promotion = response?.promotion;
  return promotion && typeof promotion === 'object' ? (promotion as StoredPromotion) : undefined;
}

/** "Diebold–Mariano −1.83, p 0.037 < 0.1 · 54 weeks 2021-12-20 → 2022-12-26", or — without a test. */
function testCell(decision: StoredPromotion | undefined): string {
  const test = decision?.test;
  if (!test || typeof test.p_value !== 'number') return '—';
  const level = test.level ?? decision.level;
  const p = test.p_value;
  const compare = typeof level === 'number' ? ` ${p < level ? '&lt;' : '≥'} ${esc(level)}` : '';
  const weeks = test.weeks ? ` <small>· ${esc(test.weeks.count)} weeks ${esc(test.weeks.first)} → ${esc(test.weeks.last)}</small>` : '';
  return `<span class="nowrap">${esc(METHODS[test.method ?? ''] ?? test.method)} ${num(test.statistic ?? undefined, 3)}, p ${num(p, 3)}${compare}</span>${weeks}`;
}
