/**
 * `npx cdk synth` of the Mizan app, as an engineer runs it before a deploy, once per test run: the
 * first test file to ask synthesizes into the run's temp dir (test/global-setup.ts gives every run its
 * own TMPDIR), the others wait for it and read the same cdk.out. The deployed tier tests what is in
 * there: the template and the bundled Lambda assets, never the sources.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { CfnResource, CfnTemplate } from './cfn-names.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CDK_CLI = join(REPO_ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');

/** The deploy-time context of the tier: the smoke profile (tiny models), everything else the defaults. */
export const SYNTH_CONTEXT: Record<string, string> = { profile: 'smoke' };

export interface SynthesizedStack {
  /** The cdk.out directory. */
  outdir: string;
  template: CfnTemplate;
  /** Seconds the synth took (undefined when another test file made it). */
  synthSeconds?: number;
}

export interface SynthesizedFunction {
  logicalId: string;
  resource: CfnResource;
  /** The bundled asset's directory in cdk.out (index.mjs and what afterBundling copied). */
  assetDir: string;
}

const cached = new Map<string, Promise<SynthesizedStack>>();

/** The stack synthesized with `context` (the tier's default: SYNTH_CONTEXT), once per test run and context. */
export function synthesizedStack(context: Record<string, string> = SYNTH_CONTEXT): Promise<SynthesizedStack> {
  const key = JSON.stringify(Object.entries(context).sort());
  if (!cached.has(key)) cached.set(key, synthesizeOnce(context, createHash('sha256').update(key).digest('hex').slice(0, 12)));
  return cached.get(key)!;
}

async function synthesizeOnce(synthContext: Record<string, string>, id: string): Promise<SynthesizedStack> {
  const root = join(tmpdir(), `mizan-deployed-synth-${id}`);
  const outdir = join(root, 'cdk.out');
  const done = join(root, 'done');
  const lock = join(root, 'lock');
  mkdirSync(root, { recursive: true });
  let synthSeconds: number | undefined;
  try {
    mkdirSync(lock); // the first file takes the lock and synthesizes
    const started = Date.now();
    const context = Object.entries(synthContext).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
    try {
      await promisify(execFile)(process.execPath, [CDK_CLI, 'synth', '--quiet', '-o', outdir, ...context], {
        cwd: REPO_ROOT,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      });
      writeFileSync(done, 'ok');
    } catch (error) {
      writeFileSync(done, `failed: ${(error as Error).message}`);
      rmSync(lock, { recursive: true, force: true });
      throw error;
    }
    synthSeconds = (Date.now() - started) / 1000;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await waitFor(done, 180_000);
    const status = readFileSync(done, 'utf8');
    if (status !== 'ok') throw new Error(`cdk synth (made by another test file) ${status}`);
  }
  const template = JSON.parse(readFileSync(join(outdir, 'Mizan.template.json'), 'utf8')) as CfnTemplate;
  return { outdir, template, synthSeconds };
}

async function waitFor(file: string, timeoutMs: number): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > giveUp) throw new Error(`cdk synth did not finish within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every Lambda function of the template with its bundled asset. */
export function synthesizedFunctions(stack: SynthesizedStack): SynthesizedFunction[] {
  return Object.entries(stack.template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string') throw new Error(`${logicalId}: no aws:asset:path in its metadata`);
      return { logicalId, resource, assetDir: join(stack.outdir, assetPath) };
    });
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}
