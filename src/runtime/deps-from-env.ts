/**
 * Picks the runtime from the environment: one machine when MIZAN_DATA_DIR is set (the local runner
 * sets it on every trainer it spawns, whatever else the caller's environment holds), else AWS when
 * MIZAN_BUCKET is set (every Lambda and trainer job of the CDK stack), else one machine with ./data.
 * MIZAN_DATA_SOURCE (sample | yahoo) picks the prices in both.
 */
import { AWS_ENV, awsDeps, MissingEnvError, type AwsClients, type AwsDeps } from './aws-deps.ts';
import { localDeps, type LocalDeps } from './local-deps.ts';

export type RuntimeDeps = ({ runtime: 'aws' } & AwsDeps) | ({ runtime: 'local' } & LocalDeps);

export async function depsFromEnv(env: NodeJS.ProcessEnv = process.env, clients: AwsClients = {}): Promise<RuntimeDeps> {
  if (!env.MIZAN_DATA_DIR && env[AWS_ENV.bucket]?.trim()) return { runtime: 'aws', ...(await awsDeps(env, clients)) };
  const source = env[AWS_ENV.dataSource] || 'sample';
  if (source !== 'sample' && source !== 'yahoo') throw new MissingEnvError(`${AWS_ENV.dataSource}=${source}: expected sample or yahoo`);
  return { runtime: 'local', ...(await localDeps({ dataDir: env.MIZAN_DATA_DIR || './data', source })) };
}
