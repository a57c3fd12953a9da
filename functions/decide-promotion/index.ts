/** Lambda entry of "Decide promotion". */
import { lazyAwsHandler } from '../shared/aws-handler.ts';
import { makeDecidePromotionHandler } from './handler.ts';

export const handler = lazyAwsHandler((deps) => makeDecidePromotionHandler(deps));
