/**
 * Picks the runtime from the environment: AWS when MIZAN_BUCKET is set (every Lambda and trainer job
 * of the CDK stack), otherwise the embedded default on one machine (MIZAN_DATA_DIR, default ./data).
 */
import { AWS_ENV, awsDeps, type AwsClients, type AwsDeps } from './aws-deps.ts';
import { localDeps, type LocalDeps } from './local-deps.ts';

export type RuntimeDeps = ({ runtime: 'aws' } & AwsDeps) | ({ runtime: 'local' } & LocalDeps);

export async function depsFromEnv(env: NodeJS.ProcessEnv = process.env, clients: AwsClients = {}): Promise<RuntimeDeps> {
  if (env[AWS_ENV.bucket]?.trim()) return { runtime: 'aws', ...(await awsDeps(env, clients)) };
  return { runtime: 'local', ...(await localDeps({ dataDir: env.MIZAN_DATA_DIR || './data' })) };
}
