/**
 * "Publish to Hugging Face": every trained version (promoted or not) goes to a branch named after
 * it, a promoted one to `main` too, and a forecaster's yearly snapshots to `snapshot-YYYY-MM-DD`
 * branches. Each branch holds everything needed to load the model: its files, metadata.json (with
 * every file's sha256 and where it is published) and a model card. Nothing here un-promotes or
 * deletes anything: a failure is thrown, and the state machine records it beside the result.
 */
import type { ForecasterKind } from '../config/model-kinds.ts';
import { getJson, type ArtifactStore } from '../ports/artifact-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { BranchLocation, Publisher } from '../ports/publisher.ts';
import { METADATA_FILE, readModelFiles, versionPrefix } from '../models/artifacts/model-files.ts';
import { snapshotPrefix } from '../snapshots/snapshot-paths.ts';
import { readWalkForwardScore } from '../snapshots/walk-forward-score.ts';
import { decisionKey, type PromotionOutcome } from './decide-promotion.ts';
import { snapshotCard, versionCard } from './model-card.ts';
import type { TrainingPlan } from '../models/training-plan.ts';

export const CARD_FILE = 'README.md';

export interface PublishResult {
  hf_repo: string | null;
  /** The version's branch: `{hub}/{repo}/tree/{version}`. */
  hf_url: string | null;
}

export async function publishModel(
  // The plan's identity and snapshot years are all it reads: `mizan publish` rebuilds them from the stored response.
  input: { plan: Pick<TrainingPlan, 'kind' | 'version' | 'snapshotYearEnds'>; promotion?: PromotionOutcome | null },
  deps: { store: ArtifactStore; registry: Pick<ModelRegistry, 'current'>; publisher: Publisher },
): Promise<PublishResult> {
  if (!deps.publisher.enabled) return { hf_repo: null, hf_url: null };
  const { kind, version } = input.plan;
  const model = await readModelFiles(deps.store, versionPrefix(kind, version));
  if (!model) throw new Error(`${kind} ${version} has no committed artifacts to publish`);
  const promotion = input.promotion ?? (await getJson<PromotionOutcome>(deps.store, decisionKey(kind, version))) ?? null;
  const where = deps.publisher.locate(kind, version);
  const snapshots = await committedSnapshots(deps.store, kind, input.plan.snapshotYearEnds);

  // "Score walk-forward" ran before Publish: the card shows its rank IC beside the price rankings'.
  const walkForward = input.plan.snapshotYearEnds.length > 0 ? ((await readWalkForwardScore(deps.store, kind as ForecasterKind, version)) ?? null) : null;

  const metadata = withLocation(model.metadata, where);
  const files = {
    ...model.files,
    [METADATA_FILE]: jsonBytes(metadata),
    [CARD_FILE]: new TextEncoder().encode(versionCard({ metadata, promotion, hf_repo: where.hf_repo, snapshotBranches: snapshots.map((s) => s.branch), walkForward })),
  };
  await deps.publisher.publishBranch({ kind, branch: version, files, title: `mizan ${kind} ${version}` });
  // `main` is the current model: only a promoted version goes there, and only while it is still
  // current (a later run may have replaced it since: main must not move back).
  if (promotion?.promoted && (await deps.registry.current(kind)) === version) {
    await deps.publisher.publishBranch({ kind, branch: 'main', files, title: `mizan ${kind}: ${version} is the current model` });
  }

  for (const snapshot of snapshots) {
    const at = deps.publisher.locate(kind, snapshot.branch);
    const snapshotMetadata = withLocation(snapshot.metadata, at);
    await deps.publisher.publishBranch({
      kind,
      branch: snapshot.branch,
      files: {
        ...snapshot.files,
        [METADATA_FILE]: jsonBytes(snapshotMetadata),
        [CARD_FILE]: new TextEncoder().encode(snapshotCard({ metadata: snapshotMetadata, hf_repo: at.hf_repo, branch: snapshot.branch })),
      },
      title: `mizan ${kind} snapshot ${snapshot.yearEnd}`,
    });
  }
  return where;
}

/** `snapshot-2021-12-31`: the branch of a forecaster's snapshot with that year end. */
export function snapshotBranch(yearEnd: string): string {
  return `snapshot-${yearEnd}`;
}

/** The year end of a snapshot branch, or undefined for any other branch. */
export function snapshotYearEndOf(branch: string): string | undefined {
  return /^snapshot-(\d{4}-12-31)$/.exec(branch)?.[1];
}

/** The run's snapshot years that are committed in the store, with their files (verified). */
async function committedSnapshots(store: ArtifactStore, kind: ForecasterKind, yearEnds: readonly string[]) {
  const found = [];
  for (const yearEnd of [...yearEnds].sort()) {
    const stored = await readModelFiles(store, snapshotPrefix(kind, yearEnd));
    if (stored) found.push({ yearEnd, branch: snapshotBranch(yearEnd), ...stored });
  }
  return found;
}

/** metadata.json as published: it says where it lives, so a pulled copy knows its source. */
function withLocation(metadata: Record<string, unknown>, where: BranchLocation): Record<string, unknown> {
  const response = metadata.response as Record<string, unknown> | undefined;
  return {
    ...metadata,
    hf_repo: where.hf_repo,
    hf_url: where.hf_url,
    ...(response && 'hf_repo' in response ? { response: { ...response, hf_repo: where.hf_repo, hf_url: where.hf_url } } : {}),
  };
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}
