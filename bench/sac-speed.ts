/**
 * SAC throughput on a seeded synthetic panel the size of the production universe (15 symbols,
 * 10 features, 10 years of weeks: obs 166, actions 16), with the default SAC config (one env,
 * batch 64). `measureSac()` returns:
 * - sac_updates_per_s: environment steps per second once learning has started, each step being one
 *   policy sample, one env step and one gradient update (critics, actor, α, targets);
 * - sac_updates_per_cpu_s: the same per second of this process's CPU time (the learner runs on one
 *   thread: on wasm, the mlp kernel);
 * - sac_100k_minutes_extrapolated: a full 100K-step run at that rate (the warm-up is faster);
 * - sac_leaked_tensors: tensors left over after the run (should be 0).
 * Run alone: `node bin/run-ts.mjs bench/sac-speed.ts [steps]` prints `bench <name> <value> <unit>` lines.
 */
import { pathToFileURL } from 'node:url';
import { initBackend, tf } from '../src/ml/backend.ts';
import { PortfolioVectorEnv } from '../src/models/agents/env/portfolio-env.ts';
import { trainSac } from '../src/models/agents/sac/sac.ts';
import { syntheticPanel } from './ppo-speed.ts';

export interface SacSpeed {
  sac_updates_per_s: number;
  /** The same steps per second of this process's CPU time: the rate on an idle core (the machine is shared). */
  sac_updates_per_cpu_s: number;
  sac_100k_minutes_extrapolated: number;
  sac_leaked_tensors: number;
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export async function measureSac(updates = 2000): Promise<SacSpeed> {
  await initBackend();
  const before = tf.memory().numTensors;
  const panel = syntheticPanel();
  const makeEnv = (numEnvs: number, seed: number) => new PortfolioVectorEnv(panel, { weekRange: { fromWeek: 0, toWeek: panel.weeks.length }, numEnvs, seed });
  const learningStarts = 200;
  const logInterval = Math.max(1, Math.floor(updates / 4));
  const marks: { step: number; at: number; cpu: number }[] = [];
  const { agent } = await trainSac(makeEnv, { totalSteps: learningStarts + updates, learningStarts, logInterval, seed: 1 }, {
    onUpdate: (log) => marks.push({ step: log.global_step, at: performance.now(), cpu: cpuSeconds() }),
  });
  agent.dispose();
  // Rate between the first and the last history line: steady-state learning steps only.
  const first = marks[0];
  const last = marks.at(-1)!;
  const rate = (last.step - first.step) / ((last.at - first.at) / 1000);
  const cpuRate = (last.step - first.step) / (last.cpu - first.cpu);
  return { sac_updates_per_s: rate, sac_updates_per_cpu_s: cpuRate, sac_100k_minutes_extrapolated: 100_000 / rate / 60, sac_leaked_tensors: tf.memory().numTensors - before };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const speed = await measureSac(Number(process.argv[2] ?? 2000));
  const line = (name: string, value: number, unit: string) => process.stdout.write(`bench ${name} ${value.toFixed(1)} ${unit}\n`);
  line('sac_updates_per_s', speed.sac_updates_per_s, 'updates/s');
  line('sac_updates_per_cpu_s', speed.sac_updates_per_cpu_s, 'updates/s');
  line('sac_100k_minutes_extrapolated', speed.sac_100k_minutes_extrapolated, 'min');
  line('sac_leaked_tensors', speed.sac_leaked_tensors, 'tensors');
}
