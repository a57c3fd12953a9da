/**
 * The deployed tier, part 4: what docs/deploy.md tells an operator about the stack agrees with the
 * synthesized template and the code: the routes, every configuration key, the job timeout, the GPU
 * image, the Node versions.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../functions/api/route-table.ts';
import { DEFAULTS, loadConfig } from '../../infra/config/config.ts';
import { templateRouteKeys } from './support/http-api-gateway.ts';
import { resourcesOfType, synthesizedStack, type SynthesizedStack } from './support/synthesized-stack.ts';

const docs = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const packageJson = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { engines?: { node?: string } };
let stack: SynthesizedStack;

beforeAll(async () => {
  stack = await synthesizedStack();
}, 240_000);

describe('docs/deploy.md', () => {
  it('counts the routes the synthesized API has', () => {
    const count = templateRouteKeys(stack.template).length;
    expect(count).toBe(API_ROUTES.length);
    expect(docs).toContain(`${count} routes`);
    expect(docs).not.toMatch(new RegExp(`\\b(?!${count}\\b)\\d+ (routes|endpoints)\\b`));
  });

  it('documents every context key infra/config/config.ts reads', () => {
    const keys: string[] = [];
    loadConfig((key) => (keys.push(key), undefined), {});
    const missing = [...new Set(keys)].filter((key) => !docs.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });

  it('states the job timeout as the job definitions carry it: per attempt', () => {
    for (const [, definition] of resourcesOfType(stack.template, 'AWS::Batch::JobDefinition')) {
      expect((definition.Properties!.Timeout as { AttemptDurationSeconds: number }).AttemptDurationSeconds).toBe(DEFAULTS.trainJobTimeoutHours * 3600);
    }
    expect(docs).toContain(`${DEFAULTS.trainJobTimeoutHours} h per attempt`);
    expect(docs).not.toMatch(/24 h/);
  });

  it('names the GPU image the compute environments use', () => {
    const imageTypes = resourcesOfType(stack.template, 'AWS::Batch::ComputeEnvironment').flatMap(([, ce]) =>
      (((ce.Properties!.ComputeResources as { Ec2Configuration?: Array<{ ImageType: string }> } | undefined)?.Ec2Configuration) ?? []).map((c) => c.ImageType),
    );
    expect(imageTypes.length).toBeGreaterThan(0);
    expect(new Set(imageTypes)).toEqual(new Set(['ECS_AL2023_NVIDIA']));
    expect(docs).toContain('ECS_AL2023_NVIDIA');
    expect(docs).not.toMatch(/ECS_AL2_NVIDIA(?![^.]*end of support)/); // named only as the AMI that was retired
  });

  it('states the Node versions: the package\'s engines and the local runner\'s (aws-local-stepfunctions)', () => {
    const ours = packageJson('../../package.json').engines!.node!;
    const runner = packageJson('../../node_modules/aws-local-stepfunctions/package.json').engines!.node!;
    expect(docs).toContain(`Node ${ours}`);
    expect(docs).toContain(`aws-local-stepfunctions`);
    expect(docs).toContain(`Node ${runner}`);
  });
});
