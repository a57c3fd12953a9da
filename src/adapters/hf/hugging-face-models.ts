/** Reads published branches back from the Hugging Face Hub (`mizan pull`). */
import { downloadFile, HubApiError, listFiles } from '@huggingface/hub';
import type { PublishedModels } from '../../ports/publisher.ts';
import { describeHubFailure, timedFetch } from './hub-errors.ts';
import { DEFAULT_HUB_TIMEOUT_MS, HUB_URL } from './hugging-face-publisher.ts';

export interface HuggingFaceModelsOptions {
  /** Optional: a public repo needs none. */
  token?: string;
  hubUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  tokenSource?: string;
}

export class HuggingFaceModels implements PublishedModels {
  private readonly hub: { accessToken?: string; hubUrl: string; fetch: typeof fetch };
  private readonly tokenSource: string;

  constructor(options: HuggingFaceModelsOptions = {}) {
    this.hub = {
      ...(options.token ? { accessToken: options.token } : {}),
      hubUrl: (options.hubUrl ?? HUB_URL).replace(/\/+$/, ''),
      fetch: timedFetch(options.fetch ?? fetch, options.timeoutMs ?? DEFAULT_HUB_TIMEOUT_MS),
    };
    this.tokenSource = options.tokenSource ?? 'HF_TOKEN';
  }

  async listBranch(repo: string, branch: string): Promise<string[] | undefined> {
    const paths: string[] = [];
    try {
      for await (const entry of listFiles({ ...this.hub, repo: { type: 'model', name: repo }, revision: branch, recursive: true })) {
        if (entry.type === 'file') paths.push(entry.path);
      }
    } catch (error) {
      if (error instanceof HubApiError && error.statusCode === 404) return undefined;
      throw describeHubFailure(error, `listing ${repo} branch ${branch}`, this.tokenSource);
    }
    return paths.sort();
  }

  async download(repo: string, branch: string, path: string): Promise<Uint8Array | undefined> {
    try {
      const blob = await downloadFile({ ...this.hub, repo: { type: 'model', name: repo }, revision: branch, path });
      return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
    } catch (error) {
      throw describeHubFailure(error, `downloading ${path} from ${repo} branch ${branch}`, this.tokenSource);
    }
  }
}
