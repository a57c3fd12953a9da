/**
 * The portfolio environment the PPO and SAC agents train in, as a `VectorEnv` of `numEnvs`
 * independent copies stepped together.
 *
 * - Observation for week w: the S×F features of w, then the S+1 weights held coming into w (observation.ts).
 * - Action: S+1 logits → `projectWeights` (softmax, then the caps) → the target weights for week w.
 * - Reward: log(1 + net return of week w after costs) (rebalance.ts); the held weights then drift.
 * - Episode: `episodeWeeks` (52) consecutive weeks from a seeded random start inside [fromWeek, toWeek),
 *   starting all cash. A start is drawn uniformly from the starts whose episode fits before toWeek; a
 *   range shorter than episodeWeeks is one whole-range episode. The end of an episode is a truncation
 *   (time limit or end of the data range), never a termination: the portfolio could go on.
 * - Auto-reset: the step that ends an episode returns the next episode's first observation in `obs`
 *   and the ended episode's last observation in `finalObs` (for the value bootstrap). That last
 *   observation is week `start + length`'s features with the drifted weights; when the episode ends
 *   at the panel's last week there is no later week, and the last week's features stand in.
 */
import type { StepResult, VectorEnv } from './agent-env.ts';
import { observationSize, writeObservation } from './observation.ts';
import { resolveRules, type PortfolioRules } from './portfolio-rules.ts';
import { projectWeights } from './project-weights.ts';
import { allCash, rebalanceWeek } from './rebalance.ts';
import { assertValidPanel, assertValidRange, type WeekRange, type WeeklyPanel } from './weekly-panel.ts';
import { mulberry32, nextSeed, type Rng } from '../../../ml/random.ts';

export { evaluatePolicy, equalWeightBenchmark, type PortfolioPath } from './evaluate-policy.ts';

export const DEFAULT_EPISODE_WEEKS = 52;

export interface PortfolioEnvOptions extends Partial<PortfolioRules> {
  /** The weeks episodes may use, e.g. the training weeks. */
  weekRange: WeekRange;
  numEnvs: number;
  /** Seeds every env's episode starts (env i gets its own generator derived from this seed). */
  seed: number;
  /** Episode length in weeks; 52 unless told. */
  episodeWeeks?: number;
}

interface EpisodeState {
  rng: Rng;
  start: number;
  length: number;
  /** Steps taken in this episode. */
  t: number;
  /** The weights held now (after the last week's drift), stocks then cash. */
  weights: Float64Array;
}

export class PortfolioVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  readonly rules: Readonly<PortfolioRules>;
  readonly episodeWeeks: number;
  private readonly S: number;
  private readonly envs: EpisodeState[];
  private started = false;

  constructor(
    private readonly panel: WeeklyPanel,
    private readonly options: PortfolioEnvOptions,
  ) {
    assertValidPanel(panel);
    assertValidRange(panel, options.weekRange);
    if (!Number.isInteger(options.numEnvs) || options.numEnvs < 1) throw new Error(`numEnvs must be a positive integer, got ${options.numEnvs}`);
    this.rules = resolveRules(options);
    this.episodeWeeks = options.episodeWeeks ?? DEFAULT_EPISODE_WEEKS;
    if (!Number.isInteger(this.episodeWeeks) || this.episodeWeeks < 1) throw new Error(`episodeWeeks must be a positive integer, got ${this.episodeWeeks}`);
    this.S = panel.symbols.length;
    this.numEnvs = options.numEnvs;
    this.obsDim = observationSize(panel);
    this.actDim = this.S + 1;
    const seeds = mulberry32(options.seed);
    this.envs = Array.from({ length: this.numEnvs }, () => ({ rng: mulberry32(nextSeed(seeds)), start: 0, length: 0, t: 0, weights: allCash(this.S) }));
  }

  reset(): Float32Array {
    const obs = new Float32Array(this.numEnvs * this.obsDim);
    this.envs.forEach((env, i) => this.beginEpisode(env, obs, i * this.obsDim));
    this.started = true;
    return obs;
  }

  step(actions: Float32Array): StepResult {
    if (!this.started) throw new Error('call reset() before step()');
    if (actions.length !== this.numEnvs * this.actDim) throw new Error(`expected ${this.numEnvs}×${this.actDim} actions, got ${actions.length}`);
    const { numEnvs, obsDim, actDim, S } = this;
    const obs = new Float32Array(numEnvs * obsDim);
    const reward = new Float32Array(numEnvs);
    const terminated = new Uint8Array(numEnvs); // a portfolio never reaches a terminal state
    const truncated = new Uint8Array(numEnvs);
    const finalObs: (Float32Array | null)[] = new Array(numEnvs).fill(null);
    this.envs.forEach((env, i) => {
      const week = env.start + env.t;
      const target = projectWeights(actions.subarray(i * actDim, (i + 1) * actDim), this.rules);
      reward[i] = rebalanceWeek(env.weights, target, this.panel.returns, week * S, this.rules.costBps).logReturn;
      env.t += 1;
      if (env.t < env.length) {
        writeObservation(this.panel, week + 1, env.weights, obs, i * obsDim);
        return;
      }
      truncated[i] = 1;
      const last = new Float32Array(obsDim);
      writeObservation(this.panel, Math.min(week + 1, this.panel.weeks.length - 1), env.weights, last);
      finalObs[i] = last;
      this.beginEpisode(env, obs, i * obsDim);
    });
    return { obs, reward, terminated, truncated, finalObs };
  }

  private beginEpisode(env: EpisodeState, obs: Float32Array, offset: number): void {
    const { fromWeek, toWeek } = this.options.weekRange;
    env.length = Math.min(this.episodeWeeks, toWeek - fromWeek);
    env.start = fromWeek + Math.floor(env.rng() * (toWeek - fromWeek - env.length + 1));
    env.t = 0;
    env.weights = allCash(this.S);
    writeObservation(this.panel, env.start, env.weights, obs, offset);
  }
}
