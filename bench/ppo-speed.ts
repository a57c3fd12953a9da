/**
 * PPO throughput on a seeded synthetic panel the size of the production universe (15 symbols,
 * 10 features, 10 years of weeks), with the default PPO config (8 envs × 256 steps, minibatch 64,
 * 10 epochs). `measurePpo()` returns:
 * - ppo_env_steps_per_s: rollout only, timesteps per second (policy forward + sampling + env step);
 * - ppo_timesteps_per_s: a whole training run (rollouts and updates), timesteps per second; on the
 *   wasm backend the trainer runs the mlp kernel, on one thread.
 * Run alone: `node bin/run-ts.mjs bench/ppo-speed.ts` prints `bench <name> <value> <unit>` lines.
 */
import { pathToFileURL } from 'node:url';
import { initBackend, tf } from '../src/ml/backend.ts';
import { mulberry32 } from '../src/ml/random.ts';
import { PortfolioVectorEnv } from '../src/models/agents/env/portfolio-env.ts';
import type { WeeklyPanel } from '../src/models/agents/env/weekly-panel.ts';
import { DEFAULT_PPO_CONFIG, PpoAgent, trainPpo } from '../src/models/agents/ppo/ppo.ts';

const SYMBOLS = 15;
const FEATURES = 10;
const WEEKS = 520;

export interface PpoSpeed {
  ppo_env_steps_per_s: number;
  ppo_timesteps_per_s: number;
  /** Tensors left over after the run (should be 0). */
  ppo_leaked_tensors: number;
}

export function syntheticPanel(seed = 1234): WeeklyPanel {
  const rng = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return {
    weeks: Array.from({ length: WEEKS }, (_, w) => new Date(Date.UTC(2015, 0, 5 + 7 * w)).toISOString().slice(0, 10)),
    symbols: Array.from({ length: SYMBOLS }, (_, s) => `SYM${s}`),
    featureNames: Array.from({ length: FEATURES }, (_, f) => `f${f}`),
    features: Float32Array.from({ length: WEEKS * SYMBOLS * FEATURES }, gaussian),
    returns: Float64Array.from({ length: WEEKS * SYMBOLS }, () => 0.002 + 0.03 * gaussian()),
  };
}

export async function measurePpo(totalTimesteps = 10_000): Promise<PpoSpeed> {
  await initBackend();
  const before = tf.memory().numTensors;
  const panel = syntheticPanel();
  const makeEnv = (numEnvs: number, seed: number) => new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: WEEKS }, numEnvs, seed });

  // Rollout only: what the agent does between updates.
  const env = makeEnv(DEFAULT_PPO_CONFIG.numEnvs, 1);
  const agent = PpoAgent.create(env.obsDim, env.actDim, DEFAULT_PPO_CONFIG, 1);
  let obs = env.reset();
  for (let t = 0; t < 10; t++) obs = env.step(agent.act(obs, false)).obs; // warm-up
  const rolloutSteps = DEFAULT_PPO_CONFIG.numSteps;
  let started = performance.now();
  for (let t = 0; t < rolloutSteps; t++) obs = env.step(agent.act(obs, false)).obs;
  const envStepsPerSecond = (rolloutSteps * env.numEnvs) / ((performance.now() - started) / 1000);
  agent.dispose();

  started = performance.now();
  const { agent: trained, history } = await trainPpo(makeEnv, { totalTimesteps, seed: 1 });
  const seconds = (performance.now() - started) / 1000;
  trained.dispose();
  return { ppo_env_steps_per_s: envStepsPerSecond, ppo_timesteps_per_s: history.at(-1)!.global_step / seconds, ppo_leaked_tensors: tf.memory().numTensors - before };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const timesteps = Number(process.argv[2] ?? 10_000);
  const speed = await measurePpo(timesteps);
  const line = (name: string, value: number, unit: string) => process.stdout.write(`bench ${name} ${value.toFixed(1)} ${unit}\n`);
  line('ppo_env_steps_per_s', speed.ppo_env_steps_per_s, 'steps/s');
  line('ppo_timesteps_per_s', speed.ppo_timesteps_per_s, 'steps/s');
  line('ppo_100k_minutes_extrapolated', 100_000 / speed.ppo_timesteps_per_s / 60, 'min');
  line('ppo_leaked_tensors', speed.ppo_leaked_tensors, 'tensors');
}
