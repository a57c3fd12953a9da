/** Lambda entry of the EventBridge rule on TrainModel's ABORTED, TIMED_OUT and FAILED executions. */
import { lazyAwsHandler } from '../shared/aws-handler.ts';
import { makeExecutionEndedHandler } from './handler.ts';

export const handler = lazyAwsHandler((deps) => makeExecutionEndedHandler(deps));
