/**
 * Lambda entry points build their adapters from the environment once per container (on the
 * first invocation, so an import never fails on a missing variable) and reuse them after.
 */
import type { Context } from 'aws-lambda';
import { awsDeps, type AwsDeps } from '../../src/runtime/aws-deps.ts';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export function lazyAwsHandler<E, R>(build: (deps: AwsDeps, env: NodeJS.ProcessEnv) => Handler<E, R>): Handler<E, R> {
  let instance: Promise<Handler<E, R>> | undefined;
  return async (event, context) => {
    instance ??= awsDeps(process.env).then((deps) => build(deps, process.env));
    // A failed build is not cached: the next invocation retries it.
    instance.catch(() => (instance = undefined));
    return (await instance)(event, context);
  };
}
