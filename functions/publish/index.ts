/** Lambda entry of "Publish to Hugging Face". */
import { lazyAwsHandler } from '../shared/aws-handler.ts';
import { makePublishHandler } from './handler.ts';

export const handler = lazyAwsHandler((deps) => makePublishHandler(deps));
