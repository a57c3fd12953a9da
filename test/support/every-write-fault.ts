/**
 * The every-write fault sweep of issue 16: a training run as `mizan train` makes it (the plan
 * resolved once, then runToEnd on a local workflow whose trainer jobs run in-process), repeated from
 * the same prepared data dir with the N-th write failing, for N = 1 ... the run's number of writes;
 * after each, the data dir's invariants (src/adapters/local/data-dir-invariants.ts) and a retry
 * without the fault, which must succeed and leave nothing pending.
 */
import { cp, readlink, rm } from 'node:fs/promises';
import { failureLine } from '../../src/cli/main.ts';
import { runToEnd } from '../../src/cli/commands/run-to-end.ts';
import type { Io } from '../../src/cli/commands/common.ts';
import { checkDataDir, checkRun } from '../../src/adapters/local/data-dir-invariants.ts';
import { openLocalWorkflow } from '../../infra/local/open-local-workflow.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import type { LocalDeps } from '../../src/runtime/local-deps.ts';
import { computeVersion } from '../../src/registry/version.ts';
import { InProcessTrainerJobs } from './in-process-trainer-jobs.ts';
import { faults, type CountedWrite, type FaultCode } from './write-faults.ts';

export { faults, type FaultCode } from './write-faults.ts';

export interface Scenario {
  /** The data dir the runs use (its adapters are `deps`), restored from `pristine` before each N. */
  dataDir: string;
  pristine: string;
  deps: LocalDeps;
  plan: TrainingPlan;
  skipSnapshot: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string[];
}

/**
 * The plan with part of its config replaced (and the version that names it): the sweep runs the
 * training hundreds of times, so it trains a smaller model than the profile's.
 */
export function withConfig(plan: TrainingPlan, changes: Record<string, unknown>): TrainingPlan {
  const { version: _version, snapshotYearEnds, ...inputs } = plan;
  const config = { ...plan.config, ...changes };
  return { ...inputs, config, version: computeVersion({ ...inputs, config }), snapshotYearEnds };
}

/** One `mizan train` of the scenario's plan, in-process. */
export async function runOnce(s: Scenario): Promise<RunResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Io = { stdout: (text) => void stdout.push(text), stderr: (text) => void stderr.push(text), env: {} };
  let exitCode: number;
  try {
    const workflow = await openLocalWorkflow(s.deps, { log: io.stderr, trainerOutput: io.stderr, trainerJobs: new InProcessTrainerJobs(s.deps, s.dataDir) });
    const system = { ...s.deps, workflow, publisherEnabled: false, waitForExecution: (id: string) => workflow.waitFor(id, 50), close: () => workflow.close() };
    exitCode = await runToEnd(s.plan, { skipSnapshot: s.skipSnapshot }, system, io);
  } catch (error) {
    io.stderr(failureLine('train', error, s.dataDir));
    exitCode = 1;
  }
  return { exitCode, stdout: stdout.join('\n'), stderr };
}

export async function restore(s: Scenario): Promise<void> {
  await rm(s.dataDir, { recursive: true, force: true });
  await cp(s.pristine, s.dataDir, { recursive: true, verbatimSymlinks: true });
}

export async function currentOf(s: Scenario): Promise<string | undefined> {
  return readlink(`${s.dataDir}/models/${s.plan.kind}/current`).catch(() => undefined);
}

/** The writes of one clean run from the prepared dir: how many of each kind, and each one. */
export async function countWrites(s: Scenario): Promise<{ all: number; data: number; writes: CountedWrite[]; run: RunResult }> {
  await restore(s);
  faults.arm({ under: s.dataDir, code: 'EIO', at: Number.POSITIVE_INFINITY });
  const run = await runOnce(s);
  faults.disarm();
  return { all: faults.allWrites, data: faults.dataWrites, writes: [...faults.writes], run };
}

export interface Outcome {
  at: number;
  /** The write that failed (call and path), or undefined when the run made fewer writes. */
  failed: string | undefined;
  exitCode: number;
  /** Broken invariants after the faulted run, then after the retry (empty: consistent). */
  violations: string[];
  /** What the faulted run left for the next one (allowed), and what the retry still left (not allowed). */
  pending: string[];
  retry: { exitCode: number; violations: string[] };
}

/** Fails the `at`-th write (ENOSPC: from the `at`-th data write on), then checks and retries. */
export async function faultAt(s: Scenario, code: FaultCode, at: number): Promise<Outcome> {
  await restore(s);
  const currentBefore = await currentOf(s);
  faults.arm({ under: s.dataDir, code, at });
  const run = await runOnce(s);
  const failedWrite = faults.writes.find((w) => w.failed);
  faults.disarm();
  const after = await checkDataDir(s.dataDir);
  const report = { kind: s.plan.kind, version: s.plan.version, currentBefore };
  const violations = [
    ...after.violations,
    ...(await checkRun(s.dataDir, { ...report, exitCode: run.exitCode, stdout: run.stdout })),
    ...oneLineFailure(run),
  ];

  const retryBefore = await currentOf(s);
  const retry = await runOnce(s);
  const settled = await checkDataDir(s.dataDir);
  const retryViolations = [
    ...settled.violations,
    ...settled.pending.map((p) => `after the retry: ${p}`),
    ...(await checkRun(s.dataDir, { ...report, currentBefore: retryBefore, exitCode: retry.exitCode, stdout: retry.stdout })),
    ...(retry.exitCode === 0 ? [] : [`retry exited ${retry.exitCode}: ${retry.stderr.at(-1) ?? ''}`]),
  ];
  return {
    at,
    failed: failedWrite ? `${failedWrite.call} ${failedWrite.path}` : undefined,
    exitCode: run.exitCode,
    violations,
    pending: after.pending,
    retry: { exitCode: retry.exitCode, violations: retryViolations },
  };
}

/** A failed run ends with one line naming its cause, and prints no stack trace. */
function oneLineFailure(run: RunResult): string[] {
  const problems: string[] = [];
  if (run.stderr.some((line) => /^\s+at /m.test(line))) problems.push('a stack trace on stderr');
  if (run.exitCode !== 0 && !/^(mizan: |mizan train failed: |training failed: )/.test(run.stderr.at(-1) ?? '')) {
    problems.push(`exit ${run.exitCode} without a final one-line cause (last line: ${run.stderr.at(-1) ?? 'none'})`);
  }
  return problems;
}

export interface Prepared {
  /** The scenario, its data dir restored to the prepared state. */
  scenario: Scenario;
  /** The clean run's writes. */
  totals: { all: number; data: number };
}

/**
 * Prepares `scenario.pristine` with `first` (run on the data dir, then copied) and counts the
 * writes of a clean run of `scenario.plan` from it, which must succeed and be promoted over `first`
 * (so that the promotion and its undo are part of every sweep).
 */
export async function prepare(scenario: Scenario, first: TrainingPlan, label: string): Promise<Prepared> {
  const prepared = await runOnce({ ...scenario, plan: first });
  if (prepared.exitCode !== 0) throw new Error(`${label}: the first run failed: ${prepared.stderr.join('\n')}`);
  await cp(scenario.dataDir, scenario.pristine, { recursive: true, verbatimSymlinks: true });
  const clean = await countWrites(scenario);
  if (clean.run.exitCode !== 0) throw new Error(`${label}: the clean run failed: ${clean.run.stderr.join('\n')}`);
  const response = JSON.parse(clean.run.stdout) as { promoted?: boolean; prior_version?: string };
  if (response.promoted !== true || response.prior_version !== first.version) throw new Error(`${label}: the clean run was not promoted over ${first.version}`);
  report(`${label} clean run: ${clean.all} writes, ${clean.data} of them data writes`);
  for (const w of clean.writes) report(`  ${w.kind.padEnd(6)} ${w.call} ${w.path}`);
  await restore(scenario);
  return { scenario, totals: { all: clean.all, data: clean.data } };
}

/** Every N of one fault class; the outcomes, and the summary line the README quotes. */
export async function sweep(prepared: Prepared, code: FaultCode, label: string): Promise<{ outcomes: Outcome[]; summary: string }> {
  const total = code === 'ENOSPC' ? prepared.totals.data : prepared.totals.all;
  const limit = Number(process.env.MIZAN_FAULT_LIMIT ?? total);
  const outcomes: Outcome[] = [];
  for (let at = 1; at <= Math.min(total, limit); at++) outcomes.push(await faultAt(prepared.scenario, code, at));
  const consistent = outcomes.filter((o) => o.violations.length === 0).length;
  const retried = outcomes.filter((o) => o.retry.exitCode === 0 && o.retry.violations.length === 0).length;
  const failed = outcomes.filter((o) => o.exitCode !== 0).length;
  const summary = `${label}: ${code} at each of ${outcomes.length} writes: ${consistent} consistent, ${retried} retries succeeded (${failed} runs exited 1, ${outcomes.length - failed} exited 0)`;
  report(summary);
  for (const o of outcomes) {
    const pending = o.pending.length ? `, pending: ${o.pending.join('; ')}` : '';
    const broken = o.violations.length ? `, VIOLATIONS: ${o.violations.join('; ')}` : '';
    const retry = o.retry.violations.length ? `, RETRY: ${o.retry.violations.join('; ')}` : '';
    report(`  ${code} #${o.at} ${o.failed ?? '(none)'}: exit ${o.exitCode}${pending}${broken}${retry}`);
  }
  return { outcomes, summary };
}

/** MIZAN_FAULT_REPORT=1 prints each write and each outcome (the README's counts come from here). */
function report(line: string): void {
  if (process.env.MIZAN_FAULT_REPORT) process.stderr.write(`${line}\n`);
}
