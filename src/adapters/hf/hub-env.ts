/**
 * The Hub from the environment, off AWS (on AWS, src/runtime/aws-deps.ts reads the token from
 * Secrets Manager instead):
 *   MIZAN_HF_REPO   org/name or a template with {kind} (org/mizan-{kind}); unset: nothing is published
 *   HF_TOKEN        the token (write access to publish; reading a public repo needs none)
 *   HF_ENDPOINT     the Hub's address (default https://huggingface.co), as huggingface_hub reads it
 */
import { noPublisher, type Publisher } from '../../ports/publisher.ts';
import { HuggingFaceModels } from './hugging-face-models.ts';
import { HuggingFacePublisher, repoFor } from './hugging-face-publisher.ts';

export const HF_ENV = { repo: 'MIZAN_HF_REPO', token: 'HF_TOKEN', endpoint: 'HF_ENDPOINT' } as const;

export class HubConfigError extends Error {
  override readonly name = 'HubConfigError';
}

export function publisherFromEnv(env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): Publisher {
  const repo = env[HF_ENV.repo]?.trim();
  if (!repo) return noPublisher;
  const token = env[HF_ENV.token]?.trim();
  if (!token) throw new HubConfigError(`${HF_ENV.repo} is set but ${HF_ENV.token} is not: set ${HF_ENV.token} to a token with write access, or unset ${HF_ENV.repo}`);
  return new HuggingFacePublisher({ repo, token: async () => token, hubUrl: env[HF_ENV.endpoint] || undefined, tokenSource: HF_ENV.token, ...options });
}

export function publishedModelsFromEnv(env: NodeJS.ProcessEnv, options: { timeoutMs?: number } = {}): HuggingFaceModels {
  return new HuggingFaceModels({ token: env[HF_ENV.token]?.trim() || undefined, hubUrl: env[HF_ENV.endpoint] || undefined, tokenSource: HF_ENV.token, ...options });
}

/** The repo to pull a kind from: the one given, else the configured template's; undefined when neither. */
export function pullRepo(kind: string, given: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (given !== undefined) return repoFor(given, kind);
  const template = env[HF_ENV.repo]?.trim();
  return template ? repoFor(template, kind) : undefined;
}
