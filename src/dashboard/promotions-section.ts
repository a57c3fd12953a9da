/**
 * A kind's promotion history on the Models page: every move of `current`, newest first, with who
 * made it, automatic or manual, from which version and why. A version the registry no longer has
 * (`mizan gc` deleted it) is named without a link.
 */
import type { PromotionEntry } from '../ports/model-registry.ts';
import { esc, table } from './html.ts';
import type { KindView } from './read-kind.ts';
import { href } from './routes.ts';

export function promotionsSection(view: KindView, root: string): string {
  if (view.promotions.length === 0) return '';
  const known = new Set(view.versions.map((row) => row.view.version));
  const version = (name: string | null) => {
    if (name === null) return '<span class="empty">none</span>';
    return known.has(name) ? `<a href="${esc(root + href.version(view.kind, name))}">${esc(name)}</a>` : `${esc(name)} <small>(deleted)</small>`;
  };
  const rows = [...view.promotions].reverse().map((entry: PromotionEntry) => [
    String(entry.seq),
    `<span class="nowrap">${esc(entry.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</span>`,
    `${version(entry.from)} → ${version(entry.to)}`,
    `<span class="move move-${esc(entry.trigger)}">${esc(entry.trigger)} ${esc(entry.action)}</span>`,
    esc(entry.by),
    esc(entry.reason),
  ]);
  return `<h3>Promotion history</h3>${table(['#', 'When (UTC)', 'From → to', 'How', 'By', 'Why'], rows, 'promotions')}`;
}
