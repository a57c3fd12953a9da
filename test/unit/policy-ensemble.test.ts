/**
 * Issue 19: the policy ensemble of an agent run's K seeds. Its deterministic action is the mean of
 * its members' logits, it frees every member on every path, it is stored as members' files beside a
 * marker (a version without the marker is one agent, as before), and a run records both candidates
 * (the best validation seed and the ensemble) while storing the config's.
 */
import { describe, expect, it } from 'vitest';
import type { AlgorithmRun, PortfolioAgent } from '../../src/models/agents/agent-algorithm.ts';
import type { SeededRuns } from '../../src/models/agents/agent-seeds.ts';
import { agentOrEnsembleLoader, deserializeAgentOrEnsemble, ENSEMBLE_FILE, serializeEnsemble } from '../../src/models/agents/ensemble-files.ts';
import { meanLogits, PolicyEnsemble } from '../../src/models/agents/policy-ensemble.ts';
import { candidatesLine, combineSeeds, type ScoredRun } from '../../src/models/agents/seed-combination.ts';

/** An agent whose logits are an affine function of the observation's first value; it records disposal and can fail it. */
class ToyAgent implements PortfolioAgent {
  readonly obsDim = 2;
  disposals = 0;
  constructor(readonly slope: number[], readonly failDispose = false) {}
  act(obs: Float32Array): Float32Array {
    return Float32Array.from(this.slope, (s, i) => s * obs[0] + i);
  }
  dispose(): void {
    this.disposals++;
    if (this.failDispose) throw new Error(`dispose failed (${this.slope.join()})`);
  }
}

const serializeToy = (a: ToyAgent) => ({ 'toy.json': new TextEncoder().encode(JSON.stringify(a.slope)) });
const deserializeToy = (files: Readonly<Record<string, Uint8Array>>) => {
  if (!files['toy.json']) throw new Error('lacks toy.json');
  return new ToyAgent(JSON.parse(new TextDecoder().decode(files['toy.json'])) as number[]);
};

describe('PolicyEnsemble', () => {
  it('acts with the mean of its members’ logits', () => {
    const members = [new ToyAgent([1, -2, 0.5]), new ToyAgent([3, 0, -0.5]), new ToyAgent([-1, 5, 1])];
    const ensemble = new PolicyEnsemble(members);
    const obs = Float32Array.of(0.5, 9);
    const expected = [0, 1, 2].map((i) => members.reduce((s, m) => s + m.act(obs)[i], 0) / 3);
    expect([...ensemble.act(obs)]).toEqual(expected.map((x) => expect.closeTo(x, 6)));
    expect(ensemble.obsDim).toBe(2);
    expect([...meanLogits([[1, 2], [3, 6]])]).toEqual([2, 4]);
    expect(() => meanLogits([[1, 2], [3]])).toThrow('differ in length');
  });

  it('frees every member once, even when one fails to, and rethrows that failure', () => {
    const members = [new ToyAgent([1]), new ToyAgent([2], true), new ToyAgent([3])];
    const ensemble = new PolicyEnsemble(members);
    expect(() => ensemble.dispose()).toThrow('dispose failed (2)');
    expect(members.map((m) => m.disposals)).toEqual([1, 1, 1]);
    ensemble.dispose();
    expect(members.map((m) => m.disposals)).toEqual([1, 1, 1]);
  });

  it('refuses no members and members of different observation sizes', () => {
    expect(() => new PolicyEnsemble([])).toThrow('at least one member');
    const wide = Object.assign(new ToyAgent([1]), { obsDim: 3 });
    expect(() => new PolicyEnsemble([new ToyAgent([1]), wide])).toThrow('the same size');
  });
});

describe('ensemble files', () => {
  it('stores each member under members/<i>/ beside a marker, and reads back an ensemble acting as the original', () => {
    const members = [new ToyAgent([1, 2]), new ToyAgent([-3, 4])];
    const files = serializeEnsemble(members, serializeToy);
    expect(Object.keys(files).sort()).toEqual(['members/0/toy.json', 'members/1/toy.json', ENSEMBLE_FILE]);
    const read = deserializeAgentOrEnsemble(files, deserializeToy);
    expect(read.agent).toBeInstanceOf(PolicyEnsemble);
    expect(read.members.map((m) => m.slope)).toEqual([[1, 2], [-3, 4]]);
    const obs = Float32Array.of(2, 0);
    expect([...read.agent.act(obs)]).toEqual([...new PolicyEnsemble(members).act(obs)]);
    expect(agentOrEnsembleLoader(deserializeToy)(files)).toBeInstanceOf(PolicyEnsemble);
  });

  it('reads a version without the marker as the one agent it is (versions stored before ensembles)', () => {
    const read = deserializeAgentOrEnsemble(serializeToy(new ToyAgent([7])), deserializeToy);
    expect(read.agent).toBeInstanceOf(ToyAgent);
    expect(read.members).toEqual([read.agent]);
  });

  it('names a missing member and frees the members already read', () => {
    const files = serializeEnsemble([new ToyAgent([1]), new ToyAgent([2]), new ToyAgent([3])], serializeToy);
    delete files['members/2/toy.json'];
    const read: ToyAgent[] = [];
    const tracking = (f: Readonly<Record<string, Uint8Array>>) => read[read.push(deserializeToy(f)) - 1];
    expect(() => deserializeAgentOrEnsemble(files, tracking)).toThrow("lacks member 2's files");
    expect(read.map((a) => a.disposals)).toEqual([1, 1]);
    expect(() => deserializeAgentOrEnsemble({ ...files, [ENSEMBLE_FILE]: new TextEncoder().encode('{"format":"other"}') }, deserializeToy)).toThrow('expected mizan-policy-ensemble/1');
  });
});

describe('combineSeeds', () => {
  const run = (agent: ToyAgent, loss: number, seed: number): AlgorithmRun<ToyAgent> => ({ agent, losses: { policy_loss: loss }, episodes: [{ return: seed, sharpe: seed }], timesteps: 100, training: { note: `seed ${seed}` } });
  /** A toy evaluation: the weekly returns are the agent's logits for a few observations. */
  const evaluate = (r: AlgorithmRun<PortfolioAgent>): ScoredRun & { losses: Record<string, number> } => {
    const weeklyReturns = [0.1, 0.3, -0.2, 0.4, 0.05].map((x) => r.agent.act(Float32Array.of(x, 0))[0] / 10);
    const mean = weeklyReturns.reduce((a, b) => a + b, 0) / weeklyReturns.length;
    return { metrics: { train_sharpe: mean, val_sharpe: mean * 2, eval_sharpe: mean * 3, eval_cagr: mean }, intervals: {}, path: { weeklyReturns }, losses: r.losses };
  };
  function seeded(): SeededRuns<ToyAgent> {
    const runs = [run(new ToyAgent([1, 0]), 0.2, 1), run(new ToyAgent([3, 0]), 0.4, 2)];
    return { runs, run: runs[1], chosen: { seed: 2, score: 1, scored_by: 'validation_sharpe' }, seeds: [], metricSpread: {} };
  }

  it('records both candidates and stores the best seed by default', () => {
    const s = seeded();
    const ensemble = new PolicyEnsemble(s.runs.map((r) => r.agent));
    const c = combineSeeds(s, ensemble, 'best_val', evaluate);
    expect(c.combine).toBe('best_val');
    expect(c.stored.run).toBe(s.run);
    expect(c.candidates?.best_val).toMatchObject({ seed: 2, eval_sharpe: evaluate(s.run).metrics.eval_sharpe });
    expect(c.candidates?.ensemble.members).toBe(2);
    // The ensemble's slope is the mean, 2: its figures are two thirds of the best seed's.
    expect(c.candidates?.ensemble.eval_sharpe).toBeCloseTo((c.candidates!.best_val.eval_sharpe * 2) / 3, 6);
    expect(c.candidates?.ensemble.vs_best_seed).toMatchObject({ method: 'jobson_korkie_memmel', against: 'best_validation_seed', weeks: 5 });
    expect(candidatesLine(c.combine, c.candidates)).toMatch(/^Stored: the best validation seed \(seed 2 of 2\): test Sharpe .*; not stored: the ensemble of 2 seeds \(mean logits\): test Sharpe .*; ensemble better than best seed: one-sided p = /);
  });

  it('stores the ensemble when the config says so: its losses the members’ means, their episodes and timesteps together', () => {
    const s = seeded();
    const ensemble = new PolicyEnsemble(s.runs.map((r) => r.agent));
    const c = combineSeeds(s, ensemble, 'ensemble', evaluate);
    expect(c.stored.run.agent).toBe(ensemble);
    expect(c.stored.evaluated.losses.policy_loss).toBeCloseTo(0.3, 12);
    expect(c.stored.run.episodes).toHaveLength(2);
    expect(c.stored.run.timesteps).toBe(200);
    expect(c.stored.evaluated.metrics.eval_sharpe).toBe(c.candidates?.ensemble.eval_sharpe);
    expect(candidatesLine(c.combine, c.candidates)).toMatch(/^Stored: the ensemble of 2 seeds/);
  });

  it('with one seed stores it and has no candidates', () => {
    const only = run(new ToyAgent([1]), 0.1, 1);
    const c = combineSeeds({ runs: [only], run: only, chosen: { seed: 1, score: 0, scored_by: 'validation_sharpe' }, seeds: [], metricSpread: {} }, undefined, 'ensemble', evaluate);
    expect(c).toMatchObject({ combine: 'single', candidates: null });
    expect(c.stored.run).toBe(only);
    expect(candidatesLine(c.combine, c.candidates)).toBeNull();
  });
});
