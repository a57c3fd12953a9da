/** cdk.json's "context": what `cdk synth` reads, and the local scheduler too (the same schedule settings). */
import { readFileSync } from 'node:fs';
import { repoPath } from './paths.ts';

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}
