/**
 * A policy ensemble (issue 19): K trained agents acting as one, whose deterministic action is the
 * mean of the members' deterministic actions (S+1 logits). It owns its members: `dispose` frees
 * every one (each is tried even when one throws; the first error is rethrown).
 *
 * Why the mean of the logits is meaningful here. Both algorithms' `act` returns logits that the
 * env turns into weights by a softmax, then the caps (env/project-weights.ts): PPO's is its
 * Gaussian's mean over the raw logits (unbounded), SAC's its squashed mean 3·tanh(mean) (within
 * ±3). A softmax ignores a constant added to every logit, so each member's logits are defined up to
 * a shift, and the mean of shifted logits is the mean shifted: the ensemble's pre-cap weights,
 * softmax(mean logits) ∝ (Π_k p_k)^(1/K), are the normalised geometric mean of the members' softmax
 * weights (a product of experts), well defined whatever shift each member happened to learn. A
 * stock any member gives near-zero weight is pulled down strongly; a member with large logits
 * (confident) counts for more, which for SAC is bounded by its tanh. The alternative, the mean of
 * the projected weights (a convex combination of feasible portfolios, so feasible), differs only in
 * using the arithmetic mean; the geometric one is the one the agents' action space averages
 * naturally (one act per member, no rules needed inside the ensemble). Measured on the test weeks
 * (README, Honest ML): it did not beat the best validation seed (PPO 1 run of 3; SAC 0 of 2, where
 * it fell below every member), so runs store the best seed by default; the arithmetic mean of the
 * weights is not measured.
 */
import type { PortfolioAgent } from './agent-algorithm.ts';

export class PolicyEnsemble<A extends PortfolioAgent = PortfolioAgent> implements PortfolioAgent {
  readonly obsDim: number;
  private disposed = false;

  constructor(readonly members: readonly A[]) {
    if (members.length === 0) throw new Error('a policy ensemble needs at least one member');
    this.obsDim = members[0].obsDim;
    const other = members.find((m) => m.obsDim !== this.obsDim);
    if (other) throw new Error(`a policy ensemble's members must observe the same size: ${this.obsDim} and ${other.obsDim}`);
  }

  /** The mean of the members' deterministic logits for one observation. */
  act(obs: Float32Array): Float64Array {
    return meanLogits(this.members.map((m) => m.act(obs)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.members);
  }
}

/** The element-wise mean of equally long logit vectors. */
export function meanLogits(logits: readonly ArrayLike<number>[]): Float64Array {
  if (logits.length === 0) throw new Error('no logits to average');
  const n = logits[0].length;
  const out = new Float64Array(n);
  for (const l of logits) {
    if (l.length !== n) throw new Error(`members' logits differ in length: ${n} and ${l.length}`);
    for (let i = 0; i < n; i++) out[i] += l[i];
  }
  for (let i = 0; i < n; i++) out[i] /= logits.length;
  return out;
}

/** Disposes every agent, even when one throws; rethrows the first error. */
export function disposeAll(agents: readonly PortfolioAgent[]): void {
  const errors: unknown[] = [];
  for (const a of agents) {
    try {
      a.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
