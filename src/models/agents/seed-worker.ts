/**
 * A seed worker (started by seed-pool.ts through the shared tsx entry): trains the seeds of an agent
 * run it is sent, one after another, from plain data on its own TensorFlow.js (wasm, as the main
 * thread), and posts each run back as plain data, its logs as they come, or its error's message.
 */
import { parentPort } from 'node:worker_threads';
import { pickBackend, wasmCandidate } from '../../ml/backend.ts';
import type { AgentAlgorithm, AlgorithmRun, PortfolioAgent } from './agent-algorithm.ts';
import type { AgentCommonConfig } from './agent-config.ts';
import { validationScore } from './checkpoints.ts';
import { trainingEnvs, type SeedJob, type SeedMessage } from './seed-pool.ts';

type AnyAlgorithm = AgentAlgorithm<PortfolioAgent, AgentCommonConfig>;

/** The algorithms by the name their kinds' specs give them (policy.algorithm). */
const ALGORITHMS: Record<string, () => Promise<AnyAlgorithm>> = {
  ppo: async () => (await import('./ppo/ppo-trainer.ts')).ppoAlgorithm as unknown as AnyAlgorithm,
  sac: async () => (await import('./sac/sac-trainer.ts')).sacAlgorithm as unknown as AnyAlgorithm,
};

const port = parentPort!;
/** Once per worker: its jobs share the backend (and its patched kernels). */
const backend = pickBackend([wasmCandidate]);
// A failure here is each job's error (awaited there), not an unhandled rejection.
backend.catch(() => undefined);
const post = (message: SeedMessage) => port.postMessage(message);

async function trainJob(job: SeedJob): Promise<void> {
  const load = ALGORITHMS[job.algorithm];
  if (!load) throw new Error(`a seed worker knows no algorithm '${job.algorithm}'`);
  await backend;
  const algorithm = await load();
  const makeEnv = trainingEnvs(job.panel, job.train, job.config.episodeWeeks, job.rules);
  const validation = job.validation ? validationScore(job.panel, job.validation, job.rules) : undefined;
  const base = job.base ? algorithm.deserialize(job.base) : undefined;
  let run: AlgorithmRun<PortfolioAgent>;
  try {
    run = await algorithm.train(makeEnv, job.config, base, (line) => post({ type: 'log', line }), validation);
  } finally {
    base?.dispose();
  }
  try {
    const { agent, ...rest } = run;
    post({ type: 'done', run: { ...rest, files: algorithm.serialize(agent) } });
  } finally {
    run.agent.dispose();
  }
}

// One job at a time: the main thread posts the next only after this one's answer.
port.on('message', (job: SeedJob) => {
  trainJob(job).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
});
