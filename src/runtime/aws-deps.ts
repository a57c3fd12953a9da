/**
 * The adapters of the AWS deployment, built from the environment the CDK stack sets on every Lambda
 * and trainer job:
 *   MIZAN_BUCKET (required)      artifact bucket; MIZAN_BUCKET_PREFIX optional key prefix
 *   MIZAN_TABLE (required)       registry table (pk/sk strings)
 *   MIZAN_STATE_MACHINE_ARN      TrainModel state machine (the API needs it; the trainer does not)
 *   MIZAN_DATA_SOURCE            sample (default) | yahoo; MIZAN_SAMPLE_DIR where the bundled sample is
 *   MIZAN_HF_REPO + MIZAN_HF_SECRET_ARN   publish every trained version to its branch on Hugging Face, a promoted one to main too (both or neither)
 *   HF_ENDPOINT                  the Hub's address (default https://huggingface.co)
 * SDK clients are injected (tests point them at local servers) or default to the Lambda/Batch role.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoModelRegistry } from '../adapters/aws/dynamo-model-registry.ts';
import { S3ArtifactStore } from '../adapters/aws/s3-artifact-store.ts';
import { StepFunctionsWorkflow } from '../adapters/aws/step-functions-workflow.ts';
import { HuggingFacePublisher } from '../adapters/hf/hugging-face-publisher.ts';
import { HF_ENV } from '../adapters/hf/hub-env.ts';
import { secretsManagerToken } from '../adapters/hf/secrets-manager-token.ts';
import { DEFAULT_SAMPLE_DIR } from '../data/sample-dir.ts';
import type { YahooChartClient } from '../adapters/yahoo/yahoo-market-data.ts';
import type { ArtifactStore } from '../ports/artifact-store.ts';
import type { MarketData } from '../ports/market-data.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import { noPublisher, type Publisher } from '../ports/publisher.ts';
import type { SignalProvider } from '../ports/signals.ts';
import type { UniverseProvider } from '../ports/universe.ts';
import type { ExecutionDescription, Workflow } from '../ports/workflow.ts';
import type { YahooHoldingsClient } from '../adapters/yahoo/etf-holdings.ts';
import { AWS_ENV } from './aws-env.ts';
import { marketSources } from './market-sources.ts';

/** The names of the environment variables, shared with the CDK stack that sets them. */
export { AWS_ENV };

export interface AwsClients {
  s3?: S3Client;
  dynamodb?: DynamoDBClient;
  sfn?: SFNClient;
  secretsManager?: SecretsManagerClient;
  /** yahoo-finance2 instance (only for MIZAN_DATA_SOURCE=yahoo). */
  yahoo?: YahooChartClient & YahooHoldingsClient;
}

export interface AwsDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  /** Starting runs needs MIZAN_STATE_MACHINE_ARN: without it, using the workflow fails naming the variable. */
  workflow: Workflow;
  marketData: MarketData;
  universe: UniverseProvider;
  signals: SignalProvider;
  publisher: Publisher;
}

export class MissingEnvError extends Error {
  override readonly name = 'MissingEnvError';
}

export async function awsDeps(env: NodeJS.ProcessEnv = process.env, clients: AwsClients = {}): Promise<AwsDeps> {
  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new MissingEnvError(`${name} is not set: the AWS runtime needs it (the CDK stack sets it on every function and job)`);
    return value;
  };
  const bucket = required(AWS_ENV.bucket);
  const table = required(AWS_ENV.table);
  const store = new S3ArtifactStore(clients.s3 ?? new S3Client({}), bucket, env[AWS_ENV.bucketPrefix] || undefined);
  const registry = new DynamoModelRegistry(clients.dynamodb ?? new DynamoDBClient({}), table);

  const stateMachineArn = env[AWS_ENV.stateMachineArn]?.trim();
  const workflow: Workflow = stateMachineArn
    ? new StepFunctionsWorkflow(clients.sfn ?? new SFNClient({}), stateMachineArn)
    : unavailableWorkflow(`${AWS_ENV.stateMachineArn} is not set: this process cannot start or describe runs`);

  const source = env[AWS_ENV.dataSource] || 'sample';
  if (source !== 'sample' && source !== 'yahoo') throw new MissingEnvError(`${AWS_ENV.dataSource}=${source}: expected sample or yahoo`);
  const { marketData, universe, signals } = await marketSources(source, {
    sampleDir: env[AWS_ENV.sampleDir] || DEFAULT_SAMPLE_DIR,
    store,
    yahoo: clients.yahoo,
    env,
    secretsManager: clients.secretsManager,
  });

  const hfRepo = env[AWS_ENV.hfRepo]?.trim();
  const hfSecret = env[AWS_ENV.hfSecretArn]?.trim();
  if (Boolean(hfRepo) !== Boolean(hfSecret)) {
    throw new MissingEnvError(`${AWS_ENV.hfRepo} and ${AWS_ENV.hfSecretArn} go together: set both to publish to Hugging Face, or neither`);
  }
  const publisher: Publisher =
    hfRepo && hfSecret
      ? new HuggingFacePublisher({
          repo: hfRepo,
          token: secretsManagerToken(clients.secretsManager ?? new SecretsManagerClient({}), hfSecret),
          hubUrl: env[HF_ENV.endpoint]?.trim() || undefined, // a private Hub endpoint, as huggingface_hub reads it
        })
      : noPublisher;

  return { store, registry, workflow, marketData, universe, signals, publisher };
}

function unavailableWorkflow(reason: string): Workflow {
  const fail = (): never => {
    throw new MissingEnvError(reason);
  };
  return {
    start: async () => fail(),
    describe: async (): Promise<ExecutionDescription | undefined> => fail(),
  };
}
