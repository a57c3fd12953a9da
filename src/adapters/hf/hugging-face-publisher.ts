/**
 * Publishes to the Hugging Face Hub: one repo per kind, one branch per version (or snapshot), and
 * `main` for the current model. A branch is synchronised, not appended to: one commit adds what
 * differs and deletes what is no longer there (the Hub's `.gitattributes` stays), and a branch that
 * already holds exactly these files gets no commit at all. Files are compared by the hashes the
 * Hub's tree listing gives (git blob sha1, or the LFS sha256), so nothing is downloaded to compare.
 * A missing repo is created private on first publish; a missing branch is created from `main`.
 */
import { commit, createBranch, createRepo, HubApiError, listFiles, type CommitOperation } from '@huggingface/hub';
import { createHash } from 'node:crypto';
import type { BranchLocation, Publisher } from '../../ports/publisher.ts';
import { describeHubFailure, timedFetch } from './hub-errors.ts';

export const HUB_URL = 'https://huggingface.co';

/** Per request (headers and body): generous for a weights file, yet a stall fails well inside the publish Lambda's 10 minutes. */
export const DEFAULT_HUB_TIMEOUT_MS = 2 * 60_000;

export interface HuggingFacePublisherOptions {
  /** `org/name`, or a template with `{kind}` (`org/mizan-{kind}`): one repo per model kind. */
  repo: string;
  /** Resolved at publish time (Secrets Manager on AWS), so a publisher can be built before a token is needed. */
  token: () => Promise<string>;
  /** The Hub's API and web address (tests point it at a local server). */
  hubUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Named in auth errors: where the token comes from. */
  tokenSource?: string;
}

const REPO = /^[\w.-]+\/[\w.-]+$/;
const FILE_PATH = /^[\w.-]+(\/[\w.-]+)*$/;
const BRANCH = /^[\w][\w.-]*$/;
/** The Hub's own file, written when a repo is created: it says which files go through LFS. */
const HUB_FILES = new Set(['.gitattributes']);

export class HuggingFacePublisher implements Publisher {
  readonly enabled = true;
  private readonly hubUrl: string;
  private readonly fetch: typeof fetch;
  private readonly tokenSource: string;

  constructor(private readonly options: HuggingFacePublisherOptions) {
    this.hubUrl = (options.hubUrl ?? HUB_URL).replace(/\/+$/, '');
    this.fetch = timedFetch(options.fetch ?? fetch, options.timeoutMs ?? DEFAULT_HUB_TIMEOUT_MS);
    this.tokenSource = options.tokenSource ?? 'the Hugging Face token secret';
    // Validate the template once with a sample kind: a bad repo name should fail at startup, not after training.
    repoFor(options.repo, 'lstm');
  }

  locate(kind: string, branch: string): BranchLocation {
    const repo = repoFor(this.options.repo, kind);
    return { hf_repo: repo, hf_url: branchUrl(this.hubUrl, repo, branch) };
  }

  async publishBranch(input: { kind: string; branch: string; files: Record<string, Uint8Array>; title: string }): Promise<BranchLocation & { changed: boolean }> {
    const { branch, files } = input;
    const location = this.locate(input.kind, branch);
    const repo = location.hf_repo;
    if (!BRANCH.test(branch)) throw new Error(`refusing to publish to branch ${JSON.stringify(branch)}: not a simple branch name`);
    const names = Object.keys(files).sort();
    if (names.length === 0) throw new Error(`nothing to publish to ${repo} branch ${branch}: no files`);
    for (const name of names) {
      if (!FILE_PATH.test(name) || name.split('/').includes('..')) throw new Error(`refusing to publish file with unsafe path ${JSON.stringify(name)}`);
    }

    const accessToken = await this.options.token();
    const hub = { repo: { type: 'model' as const, name: repo }, accessToken, hubUrl: this.hubUrl, fetch: this.fetch };
    const at = `${repo} branch ${branch}`;
    const step = async <T>(doing: string, call: () => Promise<T>): Promise<T> => {
      try {
        return await call();
      } catch (error) {
        throw describeHubFailure(error, doing, this.tokenSource);
      }
    };

    let remote = await step(`listing ${at}`, () => this.tree(hub, branch));
    if (remote === undefined) {
      await step(`creating ${at}`, () => this.createBranchAndRepo(hub, branch));
      remote = (await step(`listing ${at}`, () => this.tree(hub, branch))) ?? new Map();
    }

    const operations: CommitOperation[] = [];
    for (const name of names) {
      const bytes = files[name] as Uint8Array<ArrayBuffer>;
      const there = remote.get(name);
      if (there === undefined || !sameContent(there, bytes)) operations.push({ operation: 'addOrUpdate', path: name, content: new Blob([bytes]) });
    }
    for (const path of remote.keys()) {
      if (!(path in files) && !HUB_FILES.has(path)) operations.push({ operation: 'delete', path });
    }
    if (operations.length === 0) return { ...location, changed: false };

    await step(`committing ${operations.length} file change(s) to ${at}`, () =>
      commit({ ...hub, branch, title: input.title, description: `Published by mizan: ${names.join(', ')}.`, operations }),
    );
    return { ...location, changed: true };
  }

  /** The files of a branch by path, or undefined when the branch (or the whole repo) does not exist. */
  private async tree(hub: HubParams, branch: string): Promise<Map<string, RemoteFile> | undefined> {
    const entries = new Map<string, RemoteFile>();
    try {
      for await (const entry of listFiles({ ...hub, revision: branch, recursive: true })) {
        if (entry.type === 'file') entries.set(entry.path, { oid: entry.oid ?? '', size: entry.size, lfsOid: entry.lfs?.oid });
      }
    } catch (error) {
      if (error instanceof HubApiError && error.statusCode === 404) return undefined;
      throw error;
    }
    return entries;
  }

  private async createBranchAndRepo(hub: HubParams, branch: string): Promise<void> {
    if (branch === 'main') {
      await this.createRepo(hub);
      return;
    }
    try {
      await createBranch({ ...hub, branch });
    } catch (error) {
      if (error instanceof HubApiError && error.statusCode === 409) return; // created meanwhile: fine
      if (!(error instanceof HubApiError && error.statusCode === 404)) throw error;
      // No repo yet: the first publish of this kind.
      await this.createRepo(hub);
      await createBranch({ ...hub, branch });
    }
  }

  private async createRepo(hub: HubParams): Promise<void> {
    try {
      // Private: a model is not public until someone says so.
      await createRepo({ ...hub, visibility: 'private' });
    } catch (error) {
      if (!(error instanceof HubApiError && error.statusCode === 409)) throw error;
    }
  }
}

type HubParams = { repo: { type: 'model'; name: string }; accessToken: string; hubUrl: string; fetch: typeof fetch };

interface RemoteFile {
  /** The git blob sha1 (of the LFS pointer, for an LFS file). */
  oid: string;
  size: number;
  /** The content's sha256, for a file stored through LFS. */
  lfsOid?: string;
}

function sameContent(remote: RemoteFile, bytes: Uint8Array): boolean {
  if (remote.size !== bytes.byteLength) return false;
  if (remote.lfsOid) return remote.lfsOid === createHash('sha256').update(bytes).digest('hex');
  return remote.oid === gitBlobSha1(bytes);
}

/** The id git gives a file's content: sha1 of `blob {size}\0{bytes}`. */
export function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** The repo of one model kind: `{kind}` in the template is replaced. */
export function repoFor(template: string, kind: string): string {
  const repo = template.replaceAll('{kind}', kind.replaceAll('_', '-'));
  if (!REPO.test(repo)) throw new Error(`invalid Hugging Face repo ${JSON.stringify(repo)}: expected org/name`);
  return repo;
}

/** What a person opens to browse a branch: `https://huggingface.co/{repo}/tree/{branch}`. */
export function branchUrl(hubUrl: string, repo: string, branch: string): string {
  return `${hubUrl.replace(/\/+$/, '')}/${repo}/tree/${encodeURIComponent(branch)}`;
}
