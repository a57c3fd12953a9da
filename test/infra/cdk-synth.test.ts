/**
 * What `npx cdk synth` does, in-process: CDK's built-in CloudFormation validation on (the one infra
 * test that pays its ~2 s), cdk-nag registered as a policy-validation plugin, assets written to disk.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CfnResource } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../infra/app.ts';
import type { MizanStack } from '../../infra/mizan-stack.ts';

let outdir: string;
let assembly: CloudAssembly;
let stack: MizanStack;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'mizan-cdk-out-'));
  const built = buildApp({ outdir, cloudFormationValidation: true, env: {} });
  stack = built.stack;
  assembly = built.app.synth();
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk synth (offline, validated)', () => {
  it('writes a template that passes CloudFormation validation and the cdk-nag checks', () => {
    // Prepare
    const artifact = assembly.getStackByName('Mizan');
    // CDK writes the plugins' findings here; a plugin with no violations leaves no entry.
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ summary: { pluginName: string; status: string }; violations: unknown[] }>;
    };

    // Assess
    expect(Object.keys(artifact.template.Resources).length).toBeGreaterThan(50);
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it('bundles every Lambda with the local esbuild, the API with the bundled sample it plans from', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(join(assembly.directory, 'Mizan.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging: string } }>;
    };
    const functions = Object.values(stack.functions);
    const resources = assembly.getStackByName('Mizan').template.Resources as Record<string, { Properties: { Code: { S3Key: string } } }>;
    const assetDir = (fn: (typeof functions)[number]) => {
      const s3Key = resources[stack.getLogicalId(fn.fn.node.defaultChild as CfnResource)]!.Properties.Code.S3Key;
      return join(assembly.directory, manifest.files[s3Key.replace(/\.zip$/, '')]!.source.path);
    };

    // Assess
    for (const fn of functions) {
      const dir = assetDir(fn);
      expect(readdirSync(dir), fn.node.id).toEqual(expect.arrayContaining(['index.mjs']));
      const exportsHandler = /export\s*\{[^}]*\bhandler\b[^}]*\}/.test(readFileSync(join(dir, 'index.mjs'), 'utf8'));
      expect(exportsHandler, `${fn.node.id}: the bundle exports \`handler\``).toBe(true);
    }
    expect(existsSync(join(assetDir(stack.functions.api), 'data/sample/prices'))).toBe(true);
    expect(existsSync(join(assetDir(stack.functions.recordFailure), 'data'))).toBe(false);
    // The API runs an agent for /models/{kind}/allocation: TensorFlow.js's wasm binaries ship with it.
    expect(existsSync(join(assetDir(stack.functions.api), 'wasm/tfjs-backend-wasm-simd.wasm'))).toBe(true);
    expect(existsSync(join(assetDir(stack.functions.recordFailure), 'wasm'))).toBe(false);
  });
});
