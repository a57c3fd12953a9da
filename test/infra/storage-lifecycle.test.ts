/**
 * The artifact bucket's lifecycle: what `mizan gc` deletes stays recoverable for NONCURRENT_DAYS,
 * then goes with its delete marker; the per-day caches safe to expire expire; nothing else does.
 * docs/deploy.md states each of these.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/config/paths.ts';
import { EXPIRING_PREFIXES, MizanStorage, NONCURRENT_DAYS } from '../../infra/constructs/storage.ts';

type Rule = { Status: string; Prefix?: string; ExpirationInDays?: number; ExpiredObjectDeleteMarker?: boolean; NoncurrentVersionExpiration?: { NoncurrentDays: number } };

describe('the artifact bucket lifecycle', () => {
  const stack = new Stack(new App(), 'StorageOnly');
  const storage = new MizanStorage(stack, 'Storage');
  const bucket = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(storage.bucket.node.defaultChild as never)] as { Properties: { LifecycleConfiguration: { Rules: Rule[] } } };
  const rules = bucket.Properties.LifecycleConfiguration.Rules;

  it('keeps deleted and overwritten objects for a while, then removes them and their lone delete markers', () => {
    expect(rules[0]).toMatchObject({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: NONCURRENT_DAYS }, ExpiredObjectDeleteMarker: true });
    expect(rules[0].Prefix).toBeUndefined();
  });

  it('expires only the per-day caches, never models, runs, gc tombstones or the price windows', () => {
    const expiring = rules.filter((r) => r.ExpirationInDays !== undefined);
    expect(expiring.map((r) => [r.Prefix, r.ExpirationInDays])).toEqual(EXPIRING_PREFIXES.map((p) => [p.prefix, p.days]));
    for (const { Prefix: prefix = '' } of expiring) for (const kept of ['models/', 'runs/', 'gc/', 'cache/yahoo/chart/']) expect(prefix.startsWith(kept) || kept.startsWith(prefix), `${prefix} vs ${kept}`).toBe(false);
  });

  it('is stated in docs/deploy.md', () => {
    const docs = readFileSync(repoPath('docs/deploy.md'), 'utf8');
    for (const { prefix, days } of EXPIRING_PREFIXES) expect(docs).toContain(`\`${prefix}\` after ${days} days`);
    expect(docs).toContain(`${NONCURRENT_DAYS} days`);
    expect(docs).toContain('mizan gc');
  });
});
