import type { ModelKind, TrainMode } from '../../config/model-kinds.ts';
import { kindSpec, MODEL_KINDS } from '../../models/kinds.ts';
import { PriorModelRequiredError } from '../../config/errors.ts';
import { resolveTrainingPlan, type PlanDeps, type PlanRequest } from '../../pipeline/resolve-plan.ts';
import type { TrainingPlan } from '../../models/training-plan.ts';
import { isoDate, oneOf, parseFlags } from '../args.ts';
import { CliUsageError } from '../cli-error.ts';
import { localDeps } from '../../runtime/local-deps.ts';
import { withWorkflow, type SystemOptions } from '../local-system.ts';
import { commonOptions, readCommonOptions, type Io } from './common.ts';
import { runToEnd } from './run-to-end.ts';
import { TRAIN_USAGE } from '../usage.ts';


/**
 * `mizan train KIND`: runs the TrainModel state machine in-process (the same definition as on
 * AWS), prints the seed response JSON on stdout and progress on stderr.
 */
export async function trainCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('train', argv, {
    ...commonOptions,
    mode: { type: 'string' },
    'skip-snapshot': { type: 'boolean' },
    end: { type: 'string' },
    'allow-final-model': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new CliUsageError(`usage: ${TRAIN_USAGE.split('\n')[0]}`);
  const kind = oneOf<ModelKind>('model kind', positionals[0], MODEL_KINDS);
  const spec = kindSpec(kind);
  const mode = oneOf<TrainMode>('mode', values.mode as string | undefined, ['full', 'finetune'], 'full');
  if (!spec.modes.includes(mode)) throw new CliUsageError(`${kind} trains in ${spec.modes.join(' or ')} mode only: --mode must be ${spec.modes.join(' or ')}`);
  const allowFinalModel = Boolean(values['allow-final-model']);
  if (allowFinalModel && !spec.forecaster) throw new CliUsageError(`--allow-final-model is for agents, which read a forecaster's forecasts: ${kind} reads none`);
  const options: SystemOptions = readCommonOptions(values, io.env);
  const windowEnd = isoDate('--end', values.end as string | undefined);

  // The plan is resolved (and the request validated: a kind without a trainer here is refused, exit 2)
  // before anything is created in the data dir or claimed.
  const deps = await localDeps({ dataDir: options.dataDir, source: options.source });
  const plan = await resolvePlanForCli({ kind, mode, profile: options.profile, windowEnd, allowFinalModel }, deps);
  const system = await withWorkflow(deps, {}, io);
  return runToEnd(plan, { skipSnapshot: Boolean(values['skip-snapshot']) }, system, io);
}

/** As resolveTrainingPlan, but a fine-tune without a prior model names the CLI command to run first (the API names its route). */
async function resolvePlanForCli(req: PlanRequest, deps: PlanDeps): Promise<TrainingPlan> {
  try {
    return await resolveTrainingPlan(req, deps);
  } catch (err) {
    if (err instanceof PriorModelRequiredError) {
      throw new CliUsageError(
        `${err.kind} has no trained model to fine-tune yet: train one first with \`mizan train ${err.kind} --mode full\` (HTTP: POST ${err.fullEndpoint})`,
      );
    }
    throw err;
  }
}
