/**
 * The Models page's promotion history (src/dashboard/promotions-section.ts): for a run's automatic
 * promotion, the rule that decided and the test behind it, from the run's stored response; a manual
 * move and a decision recorded before the promotion test show none.
 */
import { describe, expect, it } from 'vitest';
import { promotionsSection } from '../../src/dashboard/promotions-section.ts';
import type { KindView, VersionRow } from '../../src/dashboard/read-kind.ts';
import type { PromotionEntry } from '../../src/ports/model-registry.ts';

const V1 = 'v2022.06.24-111111111111';
const V2 = 'v2022.12.30-222222222222';
const V3 = 'v2023.07.07-333333333333';

const row = (version: string, promotion: Record<string, unknown> | null): VersionRow => ({
  view: { version, status: 'SUCCEEDED', current: false, execution_id: version, claimed_at: '2023-01-01T00:00:00Z', finished_at: null, metrics: null, test_vs_baselines: null, promoted: true, snapshots: null, error: null, hf_url: null, publish_error: null },
  metadata: null,
  response: promotion ? { version, promotion } : null,
});

const entry = (seq: number, from: string | null, to: string, trigger: PromotionEntry['trigger'], reason: string): PromotionEntry => ({
  seq,
  at: `2023-0${seq}-01T10:00:00.000Z`,
  from,
  to,
  trigger,
  action: 'promote',
  by: trigger === 'manual' ? 'alice@host (cli)' : `run ${to}`,
  reason,
});

describe('promotionsSection', () => {
  it('shows the rule and the test (method, statistic, p against the level, weeks) of each automatic promotion', () => {
    const test = { method: 'diebold_mariano', statistic: -2.1234, p_value: 0.0213, p_value_worse: 0.9787, level: 0.1, weeks: { first: '2021-12-20', last: '2022-12-26', count: 54 } };
    const view: KindView = {
      kind: 'lstm',
      current: V3,
      versions: [
        row(V3, { rule: 'age', age_weeks: 27, level: 0.1, test: { ...test, method: 'sharpe_difference', statistic: 0.5, p_value: 0.31 } }),
        row(V2, { rule: 'significantly_better', level: 0.1, test }),
        row(V1, { reason: 'first lstm model', compared_on: 'first_model' }), // recorded before the promotion test: no rule
      ],
      snapshots: undefined,
      promotions: [
        entry(1, null, V1, 'automatic', 'first lstm model (test_loss=0.002)'),
        entry(2, V1, V2, 'automatic', 'significantly_better: significantly better than …'),
        entry(3, V2, V1, 'manual', 'V2 misbehaves live'),
        entry(4, V1, V3, 'automatic', 'age: …'),
      ],
    };
    const html = promotionsSection(view, '../');
    expect(html).toContain('<th>Rule</th><th>Test</th><th>Why</th>');
    const rows = html.split('<tbody>')[1]!.split('</tbody>')[0]!.split('</tr>').filter((r) => r.includes('<td>'));
    expect(rows).toHaveLength(4);
    const [fourth, third, second, first] = rows;
    expect(fourth).toContain('<code>age</code> <small>(27 weeks)</small>');
    expect(fourth).toContain('Sharpe difference (JK–Memmel) 0.5, p 0.31 ≥ 0.1');
    expect(second).toContain('<code>significantly_better</code>');
    expect(second).toContain('Diebold–Mariano -2.12, p 0.0213 &lt; 0.1</span> <small>· 54 weeks 2021-12-20 → 2022-12-26</small>');
    // A manual move, and an automatic one recorded without a rule: no rule, no test.
    expect(third).toMatch(/<td>—<\/td><td>—<\/td><td>V2 misbehaves live<\/td>/);
    expect(first).toMatch(/<td>—<\/td><td>—<\/td><td>first lstm model \(test_loss=0\.002\)<\/td>/);
  });

  it('shows nothing for a kind that was never promoted', () => {
    expect(promotionsSection({ kind: 'lstm', current: null, versions: [], snapshots: undefined, promotions: [] }, '')).toBe('');
  });
});
