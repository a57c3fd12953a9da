/** Lambda entry of "Record result". */
import { lazyAwsHandler } from '../shared/aws-handler.ts';
import { makeRecordResultHandler } from './handler.ts';

export const handler = lazyAwsHandler((deps) => makeRecordResultHandler(deps));
