/**
 * Publishes a promoted model to the Hugging Face Hub: one commit per version, the model's files at
 * the repo root (so `main` is always the current model) and a short model card. The commit's tree
 * URL pins the exact version. A missing repo is created (private) on first publish.
 */
import { commit, createRepo, HubApiError, type CommitOperation } from '@huggingface/hub';
import type { Publisher } from '../../ports/publisher.ts';

export const HUB_URL = 'https://huggingface.co';

export interface HuggingFacePublisherOptions {
  /** `org/name`, or a template with `{kind}` (`org/mizan-{kind}`): one repo per model kind. */
  repo: string;
  /** Resolved at publish time (Secrets Manager on AWS), so a publisher can be built before a token is needed. */
  token: () => Promise<string>;
  /** The Hub's API and web address (tests point it at a local server). */
  hubUrl?: string;
  fetch?: typeof fetch;
}

const REPO = /^[\w.-]+\/[\w.-]+$/;
const FILE_PATH = /^[\w.-]+(\/[\w.-]+)*$/;

export class HuggingFacePublisher implements Publisher {
  readonly enabled = true;
  private readonly hubUrl: string;

  constructor(private readonly options: HuggingFacePublisherOptions) {
    this.hubUrl = (options.hubUrl ?? HUB_URL).replace(/\/+$/, '');
    // Validate the template once with a sample kind: a bad repo name should fail at startup, not after training.
    repoFor(options.repo, 'lstm');
  }

  async publish(input: { kind: string; version: string; files: Record<string, Uint8Array> }): Promise<{ hf_repo: string; hf_url: string }> {
    const repo = repoFor(this.options.repo, input.kind);
    const names = Object.keys(input.files).sort();
    if (names.length === 0) throw new Error(`nothing to publish for ${input.kind} ${input.version}: no files`);
    for (const name of names) {
      if (!FILE_PATH.test(name) || name.split('/').includes('..')) throw new Error(`refusing to publish file with unsafe path ${JSON.stringify(name)}`);
    }
    const operations: CommitOperation[] = names.map((path) => ({
      operation: 'addOrUpdate',
      path,
      content: new Blob([input.files[path] as Uint8Array<ArrayBuffer>]),
    }));
    if (!names.includes('README.md')) {
      operations.push({ operation: 'addOrUpdate', path: 'README.md', content: new Blob([modelCard(input.kind, input.version, names)]) });
    }

    const accessToken = await this.options.token();
    const params = {
      repo: { type: 'model' as const, name: repo },
      accessToken,
      hubUrl: this.hubUrl,
      fetch: this.options.fetch,
      title: `mizan ${input.kind} ${input.version}`,
      description: `Promoted ${input.kind} model, version ${input.version}, trained by mizan.`,
      operations,
    };
    let output;
    try {
      output = await commit(params);
    } catch (error) {
      if (!(error instanceof HubApiError && error.statusCode === 404)) throw error;
      // First publish of this kind: create the repo (private: a model is not public until someone says so).
      await createRepo({ repo: params.repo, accessToken, hubUrl: this.hubUrl, fetch: this.options.fetch, visibility: 'private' });
      output = await commit(params);
    }
    if (!output) throw new Error(`Hugging Face commit to ${repo} returned no commit`);
    return { hf_repo: repo, hf_url: `${this.hubUrl}/${repo}/tree/${output.commit.oid}` };
  }
}

/** The repo of one model kind: `{kind}` in the template is replaced. */
export function repoFor(template: string, kind: string): string {
  const repo = template.replaceAll('{kind}', kind.replaceAll('_', '-'));
  if (!REPO.test(repo)) throw new Error(`invalid Hugging Face repo ${JSON.stringify(repo)}: expected org/name`);
  return repo;
}

function modelCard(kind: string, version: string, files: string[]): string {
  return [
    '---',
    'library_name: tensorflow.js',
    'tags: [mizan, finance, halal]',
    '---',
    `# mizan ${kind} ${version}`,
    '',
    `A ${kind} model trained and promoted by mizan. Files (TensorFlow.js format): ${files.join(', ')}.`,
    'metadata.json holds the training window, symbols, metrics and the promotion comparison.',
    '',
  ].join('\n');
}
