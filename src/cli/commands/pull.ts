import { DirArtifactStore } from '../../adapters/local/dir-artifact-store.ts';
import { HF_ENV, publishedModelsFromEnv, pullRepo } from '../../adapters/hf/hub-env.ts';
import type { ModelKind } from '../../config/model-kinds.ts';
import { MODEL_KINDS } from '../../models/kinds.ts';
import { pullModel } from '../../pipeline/pull-model.ts';
import { oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { PULL_USAGE } from '../usage.ts';
import { commonOptions, readCommonOptions, type Io } from './common.ts';

/**
 * `mizan pull KIND VERSION`: downloads a published branch (a version, or `snapshot-YYYY-12-31`) into
 * the data dir, checking every file's sha256 against its metadata.json. Prints what it stored as JSON.
 */
export async function pullCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('pull', argv, { 'data-dir': commonOptions['data-dir'], 'from-hf': { type: 'string' } });
  if (positionals.length !== 2) throw new CliUsageError(`usage: ${PULL_USAGE}`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const branch = positionals[1] as string;
  let repo: string | undefined;
  try {
    repo = pullRepo(kind, values['from-hf'] as string | undefined, io.env);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  if (!repo) throw new CliUsageError(`no Hugging Face repo to pull from: pass --from-hf org/name or set ${HF_ENV.repo}`);
  const { dataDir } = readCommonOptions(values, io.env);

  io.stderr(`pulling ${kind} ${branch} from ${repo} into ${dataDir}`);
  const outcome = await pullModel(
    { kind, branch, repo },
    { source: publishedModelsFromEnv(io.env), store: new DirArtifactStore(dataDir), log: (line) => io.stderr(line) },
  );
  io.stderr(outcome.alreadyPresent ? `${outcome.prefix} already holds these files: nothing written` : `stored ${outcome.prefix}`);
  io.stdout(
    JSON.stringify(
      { kind, branch, hf_repo: repo, path: `${dataDir}/${outcome.prefix}`, files: outcome.files, verified: 'sha256', already_present: outcome.alreadyPresent },
      null,
      2,
    ),
  );
  return EXIT.ok;
}
