/** Lambda entry of "Record failure". */
import { lazyAwsHandler } from '../shared/aws-handler.ts';
import { makeRecordFailureHandler } from './handler.ts';

export const handler = lazyAwsHandler((deps) => makeRecordFailureHandler(deps));
