/**
 * The portfolio environment the PPO and SAC agents train in, as a `VectorEnv` of `numEnvs`
 * independent copies stepped together.
 *
 * - Observation for week w: the S×F features of w, then the S+1 weights held coming into w (observation.ts).
 * - Action: S+1 logits → `projectWeights` (softmax, then the caps) → the target weights for week w.
 * - Reward: log(1 + net return of week w after costs) (rebalance.ts); the held weights then drift.
 * - Episode: `episodeWeeks` (52) consecutive weeks from a seeded random start inside [fromWeek, toWeek),
 *   starting all cash. The range is first cut where the panel skips a week (contiguousSegments: a
 *   week left out of the panel must not join the weeks on its two sides; the segment's last step
 *   then carries the return of holding through the skipped weeks, build-panel.ts); a start is drawn uniformly
 *   from the starts whose episode fits in its segment, and a segment shorter than episodeWeeks is one
 *   whole-segment episode. The end of an episode is a truncation (time limit or end of the segment),
 *   never a termination: the portfolio could go on.
 * - Auto-reset: the step that ends an episode returns the next episode's first observation in `obs`
 *   and the ended episode's last observation in `finalObs` (for the value bootstrap): week
 *   `start + length`'s features with the drifted weights when that week is still in the segment, else
 *   (the episode ran to the segment's end) the episode's last week's features stand in, so the
 *   bootstrap never reads a week outside the range (e.g. the first evaluation week) or across a gap.
 */
import type { StepResult, VectorEnv } from './agent-env.ts';
import { observationSize, writeObservation } from './observation.ts';
import { resolveRules, type PortfolioRules } from './portfolio-rules.ts';
import { projectWeights } from './project-weights.ts';
import { allCash, rebalanceWeek } from './rebalance.ts';
import { holdUntradableAsCash } from './tradable.ts';
import { assertValidPanel, assertValidRange, contiguousSegments, type WeekRange, type WeeklyPanel } from './weekly-panel.ts';
import { mulberry32, nextSeed, type Rng } from '../../../ml/random.ts';

export { evaluatePolicy, equalWeightBenchmark, inverseVolatilityBenchmark, type PortfolioPath } from './evaluate-policy.ts';

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
  /** The end (exclusive) of the segment the episode runs in. */
  segmentEnd: number;
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
  /** The range's segments, each with its episode length and how many starts it offers. */
  private readonly segments: { fromWeek: number; toWeek: number; length: number; starts: number }[];
  private readonly totalStarts: number;
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
    this.segments = contiguousSegments(panel, options.weekRange).map((s) => {
      const length = Math.min(this.episodeWeeks, s.toWeek - s.fromWeek);
      return { ...s, length, starts: s.toWeek - s.fromWeek - length + 1 };
    });
    this.totalStarts = this.segments.reduce((sum, s) => sum + s.starts, 0);
    const seeds = mulberry32(options.seed);
    this.envs = Array.from({ length: this.numEnvs }, () => ({ rng: mulberry32(nextSeed(seeds)), start: 0, length: 0, segmentEnd: 0, t: 0, weights: allCash(this.S) }));
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
      holdUntradableAsCash(target, this.panel, week);
      reward[i] = rebalanceWeek(env.weights, target, this.panel.returns, week * S, this.rules.costBps).logReturn;
      env.t += 1;
      if (env.t < env.length) {
        writeObservation(this.panel, week + 1, env.weights, obs, i * obsDim);
        return;
      }
      truncated[i] = 1;
      const last = new Float32Array(obsDim);
      writeObservation(this.panel, week + 1 < env.segmentEnd ? week + 1 : week, env.weights, last);
      finalObs[i] = last;
      this.beginEpisode(env, obs, i * obsDim);
    });
    return { obs, reward, terminated, truncated, finalObs };
  }

  private beginEpisode(env: EpisodeState, obs: Float32Array, offset: number): void {
    // One draw, uniform over every start of every segment (with one segment: fromWeek + the draw, as before segments).
    let k = Math.floor(env.rng() * this.totalStarts);
    let i = 0;
    while (k >= this.segments[i].starts) k -= this.segments[i++].starts;
    const segment = this.segments[i];
    env.length = segment.length;
    env.start = segment.fromWeek + k;
    env.segmentEnd = segment.toWeek;
    env.t = 0;
    env.weights = allCash(this.S);
    writeObservation(this.panel, env.start, env.weights, obs, offset);
  }
}
