/**
 * One Lambda handler of functions/, bundled at synth by the local esbuild (no docker, no network):
 * ESM for nodejs22.x, the AWS SDK bundled in (the versions the tests ran, not the runtime's),
 * X-Ray tracing on, its own log group with a retention, and a role that may write to that log group
 * only (instead of the AWSLambdaBasicExecutionRole managed policy, which allows any log group).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { REPO_ROOT, repoPath } from '../config/paths.ts';

export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_22_X;

export interface MizanFunctionProps {
  /** Handler name under functions/: `functions/NAME.ts`, `functions/NAME/index.ts` or `functions/NAME/handler.ts`. */
  handler: string;
  description: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize?: number;
  logRetentionDays: number;
  /** Copy data/sample into the bundle (functions that plan runs on the bundled sample read it). */
  withSampleData?: boolean;
  /** Copy TensorFlow.js's wasm binaries into the bundle (a function that runs a model: the API's allocation route). */
  withWasm?: boolean;
}

/**
 * CommonJS code inside an ESM bundle still calls require() and reads __filename/__dirname (tfjs-backend-wasm's
 * Emscripten loader does, to find its .wasm): ESM defines none of them, so the bundle defines them first.
 */
export const ESM_BANNER = [
  "import { createRequire as __mizanCreateRequire } from 'node:module';",
  "import { fileURLToPath as __mizanFileURLToPath } from 'node:url';",
  "import { dirname as __mizanDirname } from 'node:path';",
  'const require = __mizanCreateRequire(import.meta.url);',
  'const __filename = __mizanFileURLToPath(import.meta.url);',
  'const __dirname = __mizanDirname(__filename);',
].join(' ');

/** Where the bundled sample lands inside the function: set as MIZAN_SAMPLE_DIR. */
export const LAMBDA_SAMPLE_DIR = '/var/task/data/sample';
/** Where the wasm binaries land inside the function: set as MIZAN_WASM_DIR (the bundle has no node_modules to find them in). */
export const LAMBDA_WASM_DIR = '/var/task/wasm/';

export class MizanFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: MizanFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `mizan ${props.handler} function`,
    });
    logGroup.grantWrite(this.role);
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      role: this.role,
      entry: handlerEntry(props.handler),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: repoPath('package-lock.json'),
      environment: {
        ...props.environment,
        ...(props.withSampleData ? { MIZAN_SAMPLE_DIR: LAMBDA_SAMPLE_DIR } : {}),
        ...(props.withWasm ? { MIZAN_WASM_DIR: LAMBDA_WASM_DIR } : {}),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        logLevel: nodejs.LogLevel.ERROR, // the size notes of esbuild are noise at every synth
        sourceMap: true,
        externalModules: [],
        mainFields: ['module', 'main'],
        banner: ESM_BANNER,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(props.withSampleData ? [`mkdir -p "${outputDir}/data"`, `cp -R "${inputDir}/data/sample" "${outputDir}/data/sample"`] : []),
            ...(props.withWasm ? [`mkdir -p "${outputDir}/wasm"`, `cp "${inputDir}"/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "${outputDir}/wasm/"`] : []),
          ],
        },
      },
    });
  }
}

/** The entry file of a handler; fails the synth naming the paths tried. */
export function handlerEntry(name: string): string {
  const candidates = [`functions/${name}.ts`, `functions/${name}/index.ts`, `functions/${name}/handler.ts`];
  const found = candidates.find((candidate) => existsSync(repoPath(candidate)));
  if (!found) throw new Error(`no Lambda handler "${name}": expected one of ${candidates.join(', ')}`);
  return repoPath(found);
}
