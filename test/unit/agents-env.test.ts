import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortfolioVectorEnv, equalWeightBenchmark, evaluatePolicy } from '../../src/models/agents/env/portfolio-env.ts';
import { projectWeights } from '../../src/models/agents/env/project-weights.ts';
import type { WeeklyPanel } from '../../src/models/agents/env/weekly-panel.ts';
import { mulberry32 } from '../../src/ml/random.ts';

const CAPS = { maxStockWeight: 0.2, minCash: 0.02 };

/** A panel whose single feature of every symbol is the week's index, so an observation tells its week. */
function indexedPanel(weeks: number, S: number, returnOf: (week: number, symbol: number) => number = () => 0.001): WeeklyPanel {
  return {
    weeks: Array.from({ length: weeks }, (_, w) => `w${w}`),
    symbols: Array.from({ length: S }, (_, s) => `S${s}`),
    featureNames: ['week'],
    features: Float32Array.from({ length: weeks * S }, (_, i) => Math.floor(i / S)),
    returns: Float64Array.from({ length: weeks * S }, (_, i) => returnOf(Math.floor(i / S), i % S)),
  };
}

function expectWithinRules(w: Float64Array, caps: { maxStockWeight: number; minCash: number }): void {
  const S = w.length - 1;
  let sum = 0;
  for (let i = 0; i <= S; i++) {
    expect(w[i]).toBeGreaterThanOrEqual(0);
    if (i < S) expect(w[i]).toBeLessThanOrEqual(caps.maxStockWeight);
    sum += w[i];
  }
  expect(w[S]).toBeGreaterThanOrEqual(caps.minCash);
  expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-9);
}

describe('projectWeights', () => {
  it('keeps 10,000 random and extreme logit vectors within the rules, for 1, 3 and 15 stocks', () => {
    // Prepare: logits from moderate to ±1e6, with repeated values (ties) likely.
    const logit = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(-1e6, 0, 1e6));
    const vectors = fc.constantFrom(1, 3, 15).chain((S) => fc.array(logit, { minLength: S + 1, maxLength: S + 1 }));
    let checked = 0;
    // Act & Assess
    fc.assert(
      fc.property(vectors, (logits) => {
        expectWithinRules(projectWeights(logits, CAPS), CAPS);
        checked++;
      }),
      { numRuns: 10_000, seed: 7 },
    );
    expect(checked).toBe(10_000);
  });

  it('handles the hand-picked extremes: all equal, one huge, ±1e6, infinities, any caps', () => {
    for (const S of [1, 3, 15]) {
      const cases = [
        new Array(S + 1).fill(0),
        new Array(S + 1).fill(1e6),
        new Array(S + 1).fill(-1e6),
        [1e6, ...new Array(S).fill(-1e6)],
        [...new Array(S).fill(-1e6), 1e6],
        [...new Array(S).fill(1e6), -1e6],
        [Infinity, ...new Array(S).fill(-Infinity)],
      ];
      for (const logits of cases) expectWithinRules(projectWeights(logits, CAPS), CAPS);
    }
    const anyCaps = fc.record({ maxStockWeight: fc.double({ min: 0.01, max: 1, noNaN: true }), minCash: fc.double({ min: 0, max: 0.99, noNaN: true }) });
    fc.assert(
      fc.property(anyCaps, fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 20 }), (caps, logits) => {
        expectWithinRules(projectWeights(logits, caps), caps);
      }),
      { numRuns: 1000, seed: 11 },
    );
  });

  it('caps stocks into cash, and takes a cash shortfall pro rata from the stocks', () => {
    // Equal logits, 2 stocks: softmax ⅓ each → stocks capped at 0.2, cash 0.6.
    expect(Array.from(projectWeights([0, 0, 0], CAPS))).toEqual([0.2, 0.2, expect.closeTo(0.6, 12)]);
    // 10 equal stocks, no cash: 0.1 each, cash 0 < 2 % → stocks scaled by 0.98 → 0.098 each.
    const w = projectWeights([...new Array(10).fill(0), -1e6], CAPS);
    for (let i = 0; i < 10; i++) expect(w[i]).toBeCloseTo(0.098, 12);
    expect(w[10]).toBeCloseTo(0.02, 12);
  });
});

describe('PortfolioVectorEnv', () => {
  it('rewards a hand-made 3-week case: drift, turnover and 10 bps costs', () => {
    // Prepare: 2 stocks + cash; cap 50 % so the chosen targets pass the rules unchanged.
    const returns = [[0.1, -0.05], [0.02, 0.04], [-0.1, 0]];
    const panel = indexedPanel(3, 2, (w, s) => returns[w][s]);
    const rules = { maxStockWeight: 0.5, minCash: 0.02, costBps: 10 };
    const targets = [[0.5, 0.3, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]];
    const env = new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: 3 }, numEnvs: 1, seed: 1, ...rules });
    const first = env.reset();
    // Week 0 from all cash: turnover ½(0.5 + 0.3 + 0.8) = 0.8; gross 0.05 − 0.015 = 0.035.
    // Drift: [0.55, 0.285, 0.2] / 1.035.
    // Week 1: turnover ½(0.0325 + 0.0255 + 0.007)/1.035 = 0.0325/1.035; gross 0.01 + 0.012 = 0.022.
    // Drift: [0.51, 0.312, 0.2] / 1.022.
    // Week 2: turnover ½(0.3056 + 0.1076 + 0.4132)/1.022 = 0.4132/1.022; gross −0.02.
    const turnovers = [0.8, 0.0325 / 1.035, 0.4132 / 1.022];
    const gross = [0.035, 0.022, -0.02];
    const expectedNet = gross.map((g, i) => (1 - 0.001 * turnovers[i]) * (1 + g) - 1);
    const expectedHeld = [[0, 0, 1], [0.55 / 1.035, 0.285 / 1.035, 0.2 / 1.035], [0.51 / 1.022, 0.312 / 1.022, 0.2 / 1.022], [0.18 / 0.98, 0.2 / 0.98, 0.6 / 0.98]];
    // Act
    const steps = targets.map((t) => env.step(Float32Array.from(t, Math.log)));
    // Assess
    expect(Array.from(first)).toEqual([0, 0, 0, 0, 1]);
    steps.forEach((step, i) => expect(step.reward[0]).toBeCloseTo(Math.log1p(expectedNet[i]), 6));
    [steps[0].obs, steps[1].obs].forEach((obs, i) => {
      expect(Array.from(obs.subarray(0, 2))).toEqual([i + 1, i + 1]);
      expectedHeld[i + 1].forEach((v, j) => expect(obs[2 + j]).toBeCloseTo(v, 6));
    });
    // The range ends after week 2: truncation, the final observation holds the drifted weights
    // (the panel has no week 3, so week 2's features stand in), and the env restarts all cash.
    expect([steps[2].truncated[0], steps[2].terminated[0]]).toEqual([1, 0]);
    expect(steps.slice(0, 2).map((s) => [s.truncated[0], s.finalObs[0]])).toEqual([[0, null], [0, null]]);
    const last = steps[2].finalObs[0]!;
    expect(Array.from(last.subarray(0, 2))).toEqual([2, 2]);
    expectedHeld[3].forEach((v, j) => expect(last[2 + j]).toBeCloseTo(v, 6));
    expect(Array.from(steps[2].obs)).toEqual([0, 0, 0, 0, 1]);

    // The same weeks through the one-pass evaluation give the same path.
    const path = evaluatePolicy(panel, { fromWeek: 0, toWeek: 3 }, (obs) => targets[obs[0]].map(Math.log), rules);
    expect(path.weeks).toEqual(['w0', 'w1', 'w2']);
    path.weeklyReturns.forEach((r, i) => expect(r).toBeCloseTo(expectedNet[i], 12));
    path.turnover.forEach((t, i) => expect(t).toBeCloseTo(turnovers[i], 12));
    path.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(targets[i][j], 6)));
    const equity = expectedNet.reduce<number[]>((acc, r) => [...acc, (acc.at(-1) ?? 1) * (1 + r)], []);
    path.equity.forEach((e, i) => expect(e).toBeCloseTo(equity[i], 12));
  });

  it('truncates every 52 weeks, inside the range, and auto-resets to all cash with the final observation', () => {
    // Prepare
    const panel = indexedPanel(200, 2);
    const env = new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 10, toWeek: 150 }, numEnvs: 3, seed: 5 });
    let obs = env.reset();
    const weekOf = (o: Float32Array, i: number) => o[i * env.obsDim];
    const starts = [0, 1, 2].map((i) => weekOf(obs, i));
    // Act: three episodes per env.
    for (let t = 1; t <= 156; t++) {
      const previous = obs;
      const step = env.step(new Float32Array(3 * env.actDim));
      obs = step.obs;
      // Assess
      for (let i = 0; i < 3; i++) {
        expect(step.terminated[i]).toBe(0);
        const ends = t % 52 === 0;
        expect(step.truncated[i]).toBe(ends ? 1 : 0);
        if (!ends) {
          expect(step.finalObs[i]).toBeNull();
          expect(weekOf(obs, i)).toBe(weekOf(previous, i) + 1);
          continue;
        }
        const start = t === 52 ? starts[i] : weekOf(previous, i) - 51;
        expect(start).toBeGreaterThanOrEqual(10);
        expect(start + 52).toBeLessThanOrEqual(150);
        // The next week, unless the episode ran to the range's end: then its own last week (never a week outside the range).
        expect(step.finalObs[i]![0]).toBe(start + 52 < 150 ? start + 52 : start + 51);
        expect(step.finalObs[i]![env.obsDim - 1]).toBeLessThan(1); // drifted weights, not all cash
        expect(Array.from(obs.subarray(i * env.obsDim + 2, (i + 1) * env.obsDim))).toEqual([0, 0, 1]);
      }
    }
  });

  it('makes a range shorter than 52 weeks one whole-range episode, truncated at the range end, bootstrapping from its own last week', () => {
    // Prepare: weeks 100..129 of 200: week 130 exists in the panel but lies outside the range (e.g. the first evaluation week).
    const env = new PortfolioVectorEnv(indexedPanel(200, 1), { weekRange: { fromWeek: 100, toWeek: 130 }, numEnvs: 2, seed: 9 });
    // Act
    const obs = env.reset();
    const steps = Array.from({ length: 30 }, () => env.step(new Float32Array(2 * env.actDim)));
    // Assess
    expect([obs[0], obs[env.obsDim]]).toEqual([100, 100]);
    expect(steps.slice(0, 29).every((s) => s.truncated.every((x) => x === 0))).toBe(true);
    expect(Array.from(steps[29].truncated)).toEqual([1, 1]);
    expect(steps[29].finalObs.map((o) => o![0])).toEqual([129, 129]);
    expect([steps[29].obs[0], steps[29].obs[env.obsDim]]).toEqual([100, 100]);
  });

  it('replays the same episodes from the same seed, and other episodes from another seed', () => {
    // Prepare
    const panel = indexedPanel(300, 3, (w, s) => 0.01 * Math.sin(w * 0.7 + s));
    const run = (seed: number) => {
      const env = new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: 300 }, numEnvs: 4, seed });
      const rng = mulberry32(3);
      const seen: number[] = Array.from(env.reset());
      for (let t = 0; t < 120; t++) {
        const step = env.step(Float32Array.from({ length: 4 * env.actDim }, () => 4 * rng() - 2));
        seen.push(...step.obs, ...step.reward);
      }
      return seen;
    };
    // Act
    const [a, b, c] = [run(42), run(42), run(43)];
    // Assess
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('refuses a malformed panel, an empty range and a wrongly sized action', () => {
    const panel = indexedPanel(10, 2);
    expect(() => new PortfolioVectorEnv({ ...panel, returns: new Float64Array(3) }, { weekRange: { fromWeek: 0, toWeek: 10 }, numEnvs: 1, seed: 1 })).toThrow(/returns/);
    expect(() => new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 5, toWeek: 5 }, numEnvs: 1, seed: 1 })).toThrow(/range/);
    const env = new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: 10 }, numEnvs: 1, seed: 1 });
    env.reset();
    expect(() => env.step(new Float32Array(2))).toThrow(/actions/);
  });
});

describe('equalWeightBenchmark', () => {
  it('holds min((1 − 2 %)/S, 20 %) per stock, rebalances weekly and pays the costs (hand case)', () => {
    // Prepare: 3 stocks → 0.98/3 > 0.2, so 20 % each and 40 % cash.
    const returns = [[0.1, 0, -0.1], [0.05, 0.05, 0.05]];
    const panel = indexedPanel(2, 3, (w, s) => returns[w][s]);
    // Week 0 from cash: turnover ½(0.6 + 0.6) = 0.6; gross 0.02 − 0.02 = 0.
    // Drifted: [0.22, 0.2, 0.18, 0.4] (gross 0, so no rescaling); week 1: turnover ½(0.02 + 0 + 0.02 + 0) = 0.02; gross 0.03.
    const expectedNet = [(1 - 0.001 * 0.6) * 1 - 1, (1 - 0.001 * 0.02) * 1.03 - 1];
    // Act
    const path = equalWeightBenchmark(panel, { fromWeek: 0, toWeek: 2 });
    // Assess
    path.weights.forEach((w) => w.forEach((v, j) => expect(v).toBeCloseTo([0.2, 0.2, 0.2, 0.4][j], 12)));
    expect(path.turnover[0]).toBeCloseTo(0.6, 12);
    expect(path.turnover[1]).toBeCloseTo(0.02, 12);
    path.weeklyReturns.forEach((r, i) => expect(r).toBeCloseTo(expectedNet[i], 12));
    expect(path.equity[1]).toBeCloseTo((1 + expectedNet[0]) * (1 + expectedNet[1]), 12);
  });

  it('spreads (1 − minCash) evenly when the cap does not bind (10 stocks → 9.8 % each, 2 % cash)', () => {
    const path = equalWeightBenchmark(indexedPanel(1, 10), { fromWeek: 0, toWeek: 1 });
    path.weights[0].slice(0, 10).forEach((v) => expect(v).toBeCloseTo(0.098, 12));
    expect(path.weights[0][10]).toBeCloseTo(0.02, 12);
  });
});
