/**
 * An agent run of K ≥ 2 seeds scores two candidates (models/agents/seed-combination.ts): the best
 * seed on the validation weeks and the ensemble of all K (mean logits). Its metadata keeps both
 * under `seeds.candidates` and says under `seeds.combine` (the config's `combineSeeds`) which one is
 * stored; the Version page shows them side by side, so the one not stored is not lost from view.
 * Read defensively: versions from before, and runs of one seed, have no candidates and show nothing.
 */
import { intervalText, isNum } from '../pipeline/metric-uncertainty.ts';
import { esc, num, table } from './html.ts';
import type { Metadata } from './read-kind.ts';

type Fields = Record<string, unknown>;

const fields = (v: unknown): Fields | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Fields) : undefined);
const sharpe = (v: unknown) => num(v, 4);

/** The table of both candidates and the paired test of the ensemble against the best seed; '' without candidates. */
export function seedCandidatesSection(metadata: Metadata): string {
  const seeds = fields(metadata.seeds);
  const best = fields(fields(seeds?.candidates)?.best_val);
  const ensemble = fields(fields(seeds?.candidates)?.ensemble);
  if (!seeds || !best || !ensemble) return '';
  // Runs stored before `seeds.combine` recorded it stored what their config says ('best_val' when absent).
  const stored = seeds.combine ?? fields(metadata.config)?.combineSeeds ?? 'best_val';
  const members = isNum(ensemble.members) ? ensemble.members : seeds.count;
  const rows = [
    row(`best validation seed (seed ${esc(best.seed)} of ${esc(members)})`, best, stored === 'best_val'),
    row(`ensemble of ${esc(members)} seeds (mean ${esc(ensemble.averaged ?? 'logits')})`, ensemble, stored === 'ensemble'),
  ];
  return `<h3>Seed candidates</h3>
${table(['Candidate', 'Train Sharpe', 'Validation Sharpe', 'Test Sharpe', 'Test Sharpe interval', 'Stored'], rows, 'seed-candidates')}
${pairedTest(fields(ensemble.vs_best_seed))}${typeof seeds.reason === 'string' ? `<p class="note">Stored because ${esc(seeds.reason)}.</p>` : ''}`;
}

function row(label: string, c: Fields, isStored: boolean): string[] {
  const interval = fields(c.eval_interval);
  const intervalCell = interval && isNum(interval.level) && isNum(interval.low) && isNum(interval.high)
    ? esc(intervalText({ level: interval.level, low: interval.low, high: interval.high }, sharpe))
    : '—';
  return [label, sharpe(c.train_sharpe), sharpe(c.val_sharpe), sharpe(c.eval_sharpe), intervalCell, isStored ? '<strong class="stored">stored</strong>' : '—'];
}

/** The one-sided Jobson–Korkie–Memmel test on the test weeks: is the ensemble's Sharpe above the best seed's? */
function pairedTest(t: Fields | undefined): string {
  if (!t) return '';
  const p = isNum(t.p_value) ? num(t.p_value, 3) : '—';
  const weeks = isNum(t.weeks) ? `, ${esc(t.weeks)} test weeks` : '';
  return `<p class="paired-test">Ensemble better than the best seed (Sharpe difference ${sharpe(t.difference)}${weeks}): one-sided p ${p}.</p>\n`;
}
