/**
 * The main thread's end of a seed worker (seed-worker.ts): one seed's training on a worker thread,
 * so an agent run trains two of its K seeds at once on a two-core machine (issues 18, 19). The
 * worker gets what the seed's training needs as plain data (the standardised panel, the training
 * and validation weeks, the rules, the config with its seed, the algorithm's name, a fine-tune's
 * base agent as its files) and returns the run as plain data; the agent is read back here with the
 * algorithm's `deserialize`. A seed's training is seeded and single-threaded, so where it runs does
 * not change a byte of it (test/integration/agent-seed-workers.test.ts).
 *
 * Only on the wasm backend (what this machine runs; tfjs-node's native binding is not loaded in
 * worker threads) and when kernelThreads() allows two threads (MIZAN_KERNEL_THREADS, set per job by
 * the local runner from the cores and the jobs running); otherwise the seeds train one after another.
 */
import { Worker } from 'node:worker_threads';
import { kernelThreads } from '../../ml/kernels/mlp-threads.ts';
import type { AgentCommonConfig } from './agent-config.ts';
import type { AlgorithmRun, PortfolioAgent } from './agent-algorithm.ts';
import { PortfolioVectorEnv } from './env/portfolio-env.ts';
import type { PortfolioRules } from './env/portfolio-rules.ts';
import type { WeekRange, WeeklyPanel } from './env/weekly-panel.ts';

/** What one seed's training needs, as plain data (structured-cloned into the worker). */
export interface SeedJob {
  /** The algorithm's name, as its kinds' specs give it (policy.algorithm): ppo or sac. */
  algorithm: string;
  panel: WeeklyPanel;
  train: WeekRange;
  validation?: WeekRange;
  rules: PortfolioRules;
  /** The agent config with this seed as `seed`. */
  config: AgentCommonConfig;
  /** A fine-tune's base agent (this seed's member), as `algorithm.serialize` wrote it. */
  base?: Record<string, Uint8Array>;
}

/** A trained run as plain data: the agent as its files. */
export type SerializedRun = Omit<AlgorithmRun<PortfolioAgent>, 'agent'> & { files: Record<string, Uint8Array> };

export type SeedMessage = { type: 'log'; line: string } | { type: 'done'; run: SerializedRun } | { type: 'error'; message: string };

/** The envs a seed trains in: the same on the main thread and in a worker. */
export function trainingEnvs(panel: WeeklyPanel, weekRange: WeekRange, episodeWeeks: number, rules: PortfolioRules) {
  return (numEnvs: number, seed: number) => new PortfolioVectorEnv(panel, { weekRange, numEnvs, seed, episodeWeeks, ...rules });
}

/**
 * Seeds trained on worker threads, `threads` at once. A worker that finished a seed trains the next
 * one (starting one costs ~1.5 s: tsx, TensorFlow.js, the kernels); `close` stops the idle ones.
 */
export interface SeedWorkers<A extends PortfolioAgent> {
  threads: number;
  /** The seed's run, trained on a worker; aborting `signal` stops the worker. */
  train(seed: number, index: number, signal: AbortSignal): Promise<AlgorithmRun<A>>;
  /** Stops every idle worker; call it when the run's seeds are done (or failed). */
  close(): Promise<void>;
}

/** Seed workers when this run may use two threads (wasm backend, kernelThreads() 2); undefined: train the seeds on this thread. */
export function seedWorkers<A extends PortfolioAgent>(options: {
  backend: string;
  job: (seed: number, index: number) => SeedJob;
  deserialize: (files: Readonly<Record<string, Uint8Array>>) => A;
  log: (line: string) => void;
}): SeedWorkers<A> | undefined {
  if (options.backend !== 'wasm' || kernelThreads() < 2) return undefined;
  const idle: Worker[] = [];
  return {
    threads: 2,
    async train(seed, index, signal) {
      signal.throwIfAborted();
      const worker = idle.pop() ?? startSeedWorker();
      let serialized: SerializedRun;
      try {
        serialized = await trainOnWorker(worker, options.job(seed, index), (line) => options.log(`seed ${seed}: ${line}`), signal);
      } catch (error) {
        // A worker whose seed failed or was stopped is not reused.
        await worker.terminate();
        throw error;
      }
      idle.push(worker);
      const { files, ...run } = serialized;
      return { ...run, agent: options.deserialize(files) };
    },
    async close() {
      await Promise.all(idle.splice(0).map((worker) => worker.terminate()));
    },
  };
}

/** The worker entry that registers tsx's loader, then imports the module it is given (shared with the kernels' workers). */
const ENTRY = new URL('../../ml/kernels/split-batch-entry.mjs', import.meta.url);
const MODULE = new URL('./seed-worker.ts', import.meta.url);

/** A seed worker, waiting for jobs (seed-worker.ts). */
function startSeedWorker(): Worker {
  return new Worker(ENTRY, { workerData: { module: MODULE.href } });
}

/** Runs one seed job on `worker`; its logs go to `log`, its error is thrown here. The caller keeps or stops the worker. */
export async function trainOnWorker(worker: Worker, job: SeedJob, log: (line: string) => void, signal: AbortSignal): Promise<SerializedRun> {
  let detach = () => {};
  const result = new Promise<SerializedRun>((resolve, reject) => {
    const onMessage = (message: SeedMessage) => {
      if (message.type === 'log') log(message.line);
      else if (message.type === 'done') resolve(message.run);
      else reject(new Error(message.message));
    };
    const onExit = (code: number) => reject(new Error(`a seed worker exited (code ${code}) without a result`));
    const onAbort = () => reject(signal.reason);
    worker.on('message', onMessage);
    worker.on('error', reject);
    worker.on('exit', onExit);
    signal.addEventListener('abort', onAbort, { once: true });
    detach = () => {
      worker.off('message', onMessage);
      worker.off('error', reject);
      worker.off('exit', onExit);
      signal.removeEventListener('abort', onAbort);
    };
  });
  worker.postMessage(job);
  try {
    return await result;
  } finally {
    detach();
  }
}
