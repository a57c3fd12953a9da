/** Lambda entry of the API (every route): the same handler as the local server, with AWS adapters. */
import { isProfileName } from '../../src/config/profiles.ts';
import { lazyAwsHandler } from '../shared/aws-handler.ts';
import { makeApiHandler } from './handler.ts';

export const handler = lazyAwsHandler((deps, env) => {
  const profile = env.MIZAN_PROFILE ?? 'full';
  if (!isProfileName(profile)) throw new Error(`MIZAN_PROFILE=${profile}: expected smoke, local or full`);
  return makeApiHandler({
    ...deps,
    profile,
    publisherEnabled: deps.publisher.enabled,
    // API Gateway ends a request at 30 s: a waiting request must answer before that (and before
    // the function's own 29 s: the handler also stops waiting WAIT_MARGIN_MS before the context's end).
    maxWaitSeconds: Number(env.MIZAN_WAIT_CAP_SECONDS ?? 25),
  });
});
