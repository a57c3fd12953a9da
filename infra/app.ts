/**
 * The CDK app (`cdk.json` runs it): one stack, `Mizan`, checked by cdk-nag's AwsSolutions pack.
 * `npx cdk synth` works offline: Lambdas are bundled by the local esbuild, the trainer image is only
 * staged (docker builds it at `cdk deploy`). Context options: see infra/config/config.ts and docs/deploy.md.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { pathToFileURL } from 'node:url';
import { cdkJsonContext } from './config/cdk-context.ts';
import { loadConfig } from './config/config.ts';
import { MizanStack } from './mizan-stack.ts';

export interface BuildAppOptions {
  /** CDK context (what `-c key=value` sets). */
  context?: Record<string, unknown>;
  outdir?: string;
  /** CDK's built-in CloudFormation schema validation at synth (~2 s, ~500 MB): on for deploys. */
  cloudFormationValidation?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function buildApp(options: BuildAppOptions = {}): { app: App; stack: MizanStack } {
  const app = new App({
    // cdk.json's context under the caller's: a test synthesizes exactly what `cdk synth` does.
    context: { ...cdkJsonContext(), ...options.context },
    outdir: options.outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? true,
  });
  const config = loadConfig((key) => app.node.tryGetContext(key), options.env ?? process.env);
  const stack = new MizanStack(app, 'Mizan', {
    config,
    env: config.account || config.region ? { account: config.account, region: config.region } : undefined,
    description: 'mizan: training, versioning and promotion of halal-universe forecasters and portfolio agents',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

// Run by the CDK CLI (or `node bin/run-ts.mjs infra/app.ts`): synthesize into cdk.out.
if (process.env.CDK_OUTDIR || (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)) {
  buildApp().app.synth();
}
