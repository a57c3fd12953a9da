/**
 * The Version page of an agent run of K ≥ 2 seeds (src/dashboard/seed-candidates-html.ts): both
 * candidates the run scored, the best validation seed and the ensemble, with their Sharpe ratios,
 * the test Sharpe's interval, which one is stored, and the paired test between them; a version
 * without candidates (one seed, or stored before them) renders as before.
 */
import { describe, expect, it } from 'vitest';
import type { Metadata } from '../../src/dashboard/read-kind.ts';
import type { VersionView } from '../../src/dashboard/read-version.ts';
import { versionBody } from '../../src/dashboard/version-page.ts';
import type { SeedCandidates } from '../../src/models/agents/seed-combination.ts';
import { expectNoHoles, newAgent } from './uncertainty-fixtures.ts';

const view = (metadata: Metadata): VersionView => ({
  record: { kind: 'ppo_lstm', version: String(metadata.version), status: 'SUCCEEDED', executionId: String(metadata.version), claimedAt: '2026-08-15T00:00:00Z' },
  current: false,
  metadata,
  promotion: null,
  snapshotOutcomes: [],
  walkForward: null,
  priorExists: false,
});

// Typed as the trainer writes them, so a renamed field fails here too.
const candidates: SeedCandidates = {
  best_val: { seed: 3, train_sharpe: 2.41, val_sharpe: 1.12, eval_sharpe: 0.87, eval_interval: { level: 0.9, low: -0.15, high: 1.9 }, eval_cagr: 0.11 },
  ensemble: {
    members: 4,
    averaged: 'logits',
    train_sharpe: 2.05,
    val_sharpe: 0.98,
    eval_sharpe: 1.04,
    eval_interval: null,
    eval_cagr: 0.13,
    vs_best_seed: { method: 'jobson_korkie_memmel', against: 'best_validation_seed', difference: 0.17, statistic: 1.21, p_value: 0.113, weeks: 104 },
  },
};

const withSeeds = (combine: string, reason = "the config's combineSeeds is 'x'"): Metadata => ({
  ...newAgent,
  version: 'v2026.08.14-eeeeeeeeeeee',
  seeds: { count: 4, combine, chosen: { seed: 3 }, members: [], candidates, reason },
});

/** The cells of the seed candidates table, row by row. */
function candidateRows(html: string): string[][] {
  const body = html.split('<table class="seed-candidates">')[1]!.split('</tbody>')[0]!;
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].slice(1).map((r) => [...r[1].matchAll(/<td>(.*?)<\/td>/g)].map((c) => c[1]));
}

describe('the seed candidates on an agent version page', () => {
  it('shows both candidates’ train / validation / test Sharpe, the test interval, the stored one and the paired test', () => {
    const html = versionBody('ppo_lstm', view(withSeeds('best_val')), '../../');
    expect(html).toContain('<h3>Seed candidates</h3>');
    expect(candidateRows(html)).toEqual([
      ['best validation seed (seed 3 of 4)', '2.41', '1.12', '0.87', '90 % interval -0.15 … 1.9', '<strong class="stored">stored</strong>'],
      ['ensemble of 4 seeds (mean logits)', '2.05', '0.98', '1.04', '—', '—'],
    ]);
    expect(html).toContain('<p class="paired-test">Ensemble better than the best seed (Sharpe difference 0.17, 104 test weeks): one-sided p 0.113.</p>');
    expectNoHoles(html);
  });

  it('marks the ensemble when the config stored it', () => {
    const rows = candidateRows(versionBody('ppo_lstm', view(withSeeds('ensemble')), '../../'));
    expect(rows.map((r) => r[5])).toEqual(['—', '<strong class="stored">stored</strong>']);
  });

  it('escapes what the metadata says', () => {
    const html = versionBody('ppo_lstm', view(withSeeds('best_val', '<img src=x onerror=alert(1)>')), '../../');
    expect(html).toContain('Stored because &lt;img src=x onerror=alert(1)&gt;.');
    expect(html).not.toContain('<img src=x');
  });

  it('shows nothing new for a run of one seed or a version stored before the candidates', () => {
    const single: Metadata = { ...newAgent, seeds: { count: 1, combine: 'single', chosen: { seed: 1 }, members: [], candidates: null, reason: 'the run trained one seed' } };
    for (const metadata of [single, newAgent]) {
      const html = versionBody('ppo_lstm', view(metadata), '../../');
      expect(html).not.toMatch(/Seed candidates|seed-candidates|paired-test/);
      expect(html).toContain('Sharpe by segment: train 3.1, validation 0.9, evaluation 1.33.');
      expectNoHoles(html);
    }
  });
});
