/**
 * The EventBridge rule on TrainModel's status changes (infra/constructs/execution-end-rule.ts): an
 * execution that ended ABORTED, TIMED_OUT or FAILED while its version is still RUNNING under it has the
 * version recorded FAILED, its promotion undone first (src/pipeline/ended-run.ts). A FAILED run that
 * "Record failure" recorded, or a claim a retry owns now, is left alone. EventBridge delivers at least
 * once: a repeated event finds the version no longer RUNNING under this execution.
 */
import middy from '@middy/core';
import { recordEndedRun, type EndedRunDeps, type EndedRunOutcome } from '../../src/pipeline/ended-run.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';
import type { Workflow } from '../../src/ports/workflow.ts';
import { parseStateInput } from '../shared/state-input.ts';
import { endedExecutionOf, parseExecutionEndedEvent, type ExecutionEndedDetail } from './event.ts';

export function makeExecutionEndedHandler(deps: EndedRunDeps) {
  return middy<unknown, EndedRunOutcome>().handler(async (event) => {
    const detail = parseExecutionEndedEvent(event);
    const plan = await planOf(detail, deps.workflow);
    return recordEndedRun({ plan, execution: endedExecutionOf(detail) }, deps);
  });
}

/**
 * The plan the execution was started with (src/pipeline/start-training.ts WorkflowInput), read back when
 * the event left the input out. By name, as every Workflow takes it (the rule matches this state machine only).
 */
async function planOf(detail: ExecutionEndedDetail, workflow: Workflow): Promise<TrainingPlan> {
  const input = typeof detail.input === 'string' ? (JSON.parse(detail.input) as unknown) : (await workflow.describe(detail.name))?.input;
  if (input === undefined) throw new Error(`execution ${detail.executionArn}: the event has no input and the execution cannot be described`);
  return parseStateInput(input).plan;
}
