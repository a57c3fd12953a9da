/**
 * Where trained models are published and restored from: the Hugging Face Hub on AWS or locally when
 * a repo is configured; nothing by default. Each kind has one repo; each version, and each forecaster
 * snapshot, has its own branch there, and `main` holds the current model.
 */

/** A branch of a kind's repo, as a person browses it. */
export interface BranchLocation {
  hf_repo: string;
  hf_url: string;
}

export interface Publisher {
  readonly enabled: boolean;
  /** Where `branch` of the kind's repo lives: known before any upload, so metadata.json can carry it. */
  locate(kind: string, branch: string): BranchLocation;
  /**
   * Makes `branch` of the kind's repo hold exactly `files` (the repo and branch are created when
   * missing). A branch that already holds them is left alone (`changed: false`): publishing is idempotent.
   */
  publishBranch(input: { kind: string; branch: string; files: Record<string, Uint8Array>; title: string }): Promise<BranchLocation & { changed: boolean }>;
}

export const noPublisher: Publisher = {
  enabled: false,
  locate() {
    throw new Error('no Hugging Face repo is configured: nothing is published');
  },
  async publishBranch() {
    throw new Error('no Hugging Face repo is configured: nothing is published');
  },
};

/** Reads published branches back (`mizan pull`). */
export interface PublishedModels {
  /** The file paths on `branch` of `repo`, or undefined when the repo or the branch does not exist. */
  listBranch(repo: string, branch: string): Promise<string[] | undefined>;
  /** One file of a branch, or undefined when it is not there. */
  download(repo: string, branch: string, path: string): Promise<Uint8Array | undefined>;
}
