/**
 * `npm run bench:runs`: whole runs, timed as a user would see them, as `bench <name> <value> <unit>`
 * lines (about 10 minutes on the idle 2-core machine; `npm run bench` measures rates in ~1 min):
 * - run_cores: the cores this machine offers (the local runner and the kernels use them all);
 * - run_<kind>_local_s: `mizan train <kind>` with the `local` profile in a fresh data dir, the
 *   snapshots included (forecasters first: the agents read the LSTM's snapshots), and
 *   run_<kind>_local_peak_mb, the largest resident set of any of its processes (GNU time's %M:
 *   Linux counts the largest descendant), when /usr/bin/time is there;
 * - run_ppo_100k_s / run_sac_100k_s: 100,000 PPO timesteps and 100,000 SAC steps (the seed's
 *   configs) on the synthetic production-size panel of bench/ppo-speed.ts, training alone.
 * `node bin/run-ts.mjs bench/whole-runs.ts [kind ...]` times only the CLI runs named.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measurePpo } from './ppo-speed.ts';
import { measureSac } from './sac-speed.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GNU_TIME = '/usr/bin/time';
const CLI_RUNS = ['lstm', 'patchtst', 'ppo_lstm', 'sac_lstm'];
const STEPS = 100_000;
/** `local` unless MIZAN_BENCH_PROFILE says otherwise (e.g. smoke, to check this script in seconds). */
const PROFILE = process.env.MIZAN_BENCH_PROFILE ?? 'local';

function line(name: string, value: number, unit: string): void {
  process.stdout.write(`bench ${name} ${value.toFixed(1)} ${unit}\n`);
}

/** `mizan train KIND` in `dataDir`; resolves to seconds and the peak resident MB (null without GNU time). */
async function timeTrain(kind: string, dataDir: string): Promise<{ seconds: number; peakMb: number | null }> {
  const rssFile = path.join(dataDir, `.${kind}.maxrss`);
  const cli = [path.join(ROOT, 'bin/mizan.mjs'), 'train', kind, '--profile', PROFILE, '--data-dir', dataDir];
  const withTime = existsSync(GNU_TIME);
  const [command, args] = withTime ? [GNU_TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...cli]] : [process.execPath, cli];
  const started = performance.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', resolve);
  });
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`mizan train ${kind} exited ${code}`);
  const peakMb = withTime ? Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1)) / 1024 : null;
  return { seconds, peakMb };
}

const only = process.argv.slice(2);
line('run_cores', os.availableParallelism(), 'cores');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'mizan-bench-runs-'));
try {
  for (const kind of CLI_RUNS.filter((k) => only.length === 0 || only.includes(k))) {
    const { seconds, peakMb } = await timeTrain(kind, dataDir);
    line(`run_${kind}_${PROFILE}_s`, seconds, 's');
    if (peakMb !== null) line(`run_${kind}_${PROFILE}_peak_mb`, peakMb, 'MB');
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
if (only.length === 0) {
  const ppo = await measurePpo(STEPS);
  line('run_ppo_100k_s', STEPS / ppo.ppo_timesteps_per_s, 's');
  // Wall time of the whole SAC run (its 200 warm-up steps included), not the steady rate.
  const started = performance.now();
  await measureSac(STEPS - 200);
  line('run_sac_100k_s', (performance.now() - started) / 1000, 's');
}
