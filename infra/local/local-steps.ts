/** The Lambda steps of TrainModel for the local runner: the very handlers of functions/, called in-process. */
import { makeDecidePromotionHandler } from '../../functions/decide-promotion/handler.ts';
import { makePublishHandler } from '../../functions/publish/handler.ts';
import { makeRecordFailureHandler } from '../../functions/record-failure/handler.ts';
import { makeRecordResultHandler } from '../../functions/record-result/handler.ts';
import { localLambdaContext } from '../../functions/shared/lambda-context.ts';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';
import type { Publisher } from '../../src/ports/publisher.ts';
import type { StepHandlers } from '../../src/adapters/local-workflow/local-workflow.ts';

export function localStepHandlers(deps: { store: ArtifactStore; registry: ModelRegistry; publisher: Publisher }): StepHandlers {
  const decide = makeDecidePromotionHandler(deps);
  const publish = makePublishHandler(deps);
  const recordResult = makeRecordResultHandler(deps);
  const recordFailure = makeRecordFailureHandler(deps);
  return {
    decidePromotion: (input) => decide(input, localLambdaContext('mizan-decide-promotion')),
    publish: (input) => publish(input, localLambdaContext('mizan-publish')),
    recordResult: (input) => recordResult(input, localLambdaContext('mizan-record-result')),
    recordFailure: (input) => recordFailure(input, localLambdaContext('mizan-record-failure')),
  };
}
