/**
 * The cdk-nag AwsSolutions findings this stack accepts, each on the narrowest construct it concerns
 * and with its reason. Anything not listed here fails `cdk synth` and the infra test.
 * (cdk-nag 3: each finding is acknowledged by its exact id, `Rule[Finding]`; there is no prefix match.)
 */
import { Stack, Token, Validations, type CfnResource } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { MizanStack } from './mizan-stack.ts';

const ack = (scope: IConstruct, id: string, reason: string): void => Validations.of(scope).acknowledge({ id, reason });

/** cdk-nag's spelling of a `Fn::GetAtt [X, Arn]` in a finding id. */
const arnOf = (resource: IConstruct): string => `<${Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnResource)}.Arn>`;

/** The actions of CDK's `grantRead`/`grantReadWrite` on a bucket, as cdk-nag names them. */
const S3_GRANT_ACTIONS = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'];

export function acknowledgeNagFindings(stack: MizanStack): void {
  acknowledgeArtifactGrants(stack);
  acknowledgeFunctions(stack);
  acknowledgeStateMachine(stack);
  acknowledgeTrainersAndSecrets(stack);
}

/** Who may read and write the artifact bucket's objects, and Decide promotion's one key. */
function acknowledgeArtifactGrants(stack: MizanStack): void {
  const { bucket } = stack.storage;
  const objectGrantees: IConstruct[] = [...Object.values(stack.functions).map((f) => f.role), stack.batch.jobRole];
  for (const grantee of objectGrantees) {
    ack(grantee, `AwsSolutions-IAM5[Resource::${arnOf(bucket)}/*]`, 'Model artifacts are objects under the artifact bucket, keyed by kind and version at run time; the grant is to that one bucket.');
    for (const action of S3_GRANT_ACTIONS) {
      ack(grantee, `AwsSolutions-IAM5[Action::${action}]`, `CDK bucket grant (${action}) scoped to the artifact bucket and its objects only.`);
    }
  }
  ack(
    stack.functions.decidePromotion.role,
    `AwsSolutions-IAM5[Resource::${arnOf(bucket)}/runs/*/promotion.json]`,
    'Decide promotion writes only the decision record of the run it decides: runs/{kind}/{version}/promotion.json.',
  );
}

/** The functions' runtime and tracing, and the executions the API and ExecutionEnded read. */
function acknowledgeFunctions(stack: MizanStack): void {
  for (const fn of Object.values(stack.functions)) {
    ack(fn.fn, 'AwsSolutions-L1', 'nodejs22.x on purpose: the runtime the code is tested on (Node 20/22, DESIGN.md); supported by Lambda until 2027.');
    ack(fn.role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.');
  }
  const executionsOfMachine = `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${regionText(stack)}:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${Stack.of(stack).getLogicalId(stack.workflow.stateMachine.node.defaultChild as CfnResource)}"}]}]}:*]`;
  ack(
    stack.functions.api.role,
    executionsOfMachine,
    'GET /train/executions/{id}: executions are created at run time (named after versions); the grant covers executions of the TrainModel state machine only.',
  );
  ack(
    stack.functions.executionEnded.role,
    executionsOfMachine,
    'An ended run is read by its execution, named at run time; the grant covers executions of the TrainModel state machine only.',
  );
}

/** The state machine's role: logging, the Batch .sync integration, the Lambda tasks. */
function acknowledgeStateMachine(stack: MizanStack): void {
  const machine = stack.workflow.stateMachine;
  ack(machine.role, 'AwsSolutions-IAM5[Resource::*]', 'Step Functions logging (logs:*LogDelivery, DescribeLogGroups, PutResourcePolicy) and X-Ray support no resource-level permissions.');
  ack(
    machine.role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:batch:${regionText(stack)}:<AWS::AccountId>:job-definition/*]`,
    "CDK's Batch submitJob.sync integration grants SubmitJob on job definitions by pattern (a definition ARN carries its revision); the job queue is pinned to mizan's.",
  );
  ack(
    machine.role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:batch:${regionText(stack)}:<AWS::AccountId>:job/*]`,
    'The Batch .sync integration terminates the jobs of a stopped state (a failed Map iteration, an aborted or timed-out run); job ids exist only at run time.',
  );
  for (const fn of Object.values(stack.functions)) {
    if (fn === stack.functions.api || fn === stack.functions.executionEnded) continue; // not state machine tasks
    ack(machine.role, `AwsSolutions-IAM5[Resource::${arnOf(fn.fn)}:*]`, "CDK's LambdaInvoke grant includes the function's versions and aliases (`:*`); the functions are mizan's own.");
  }
}

/** The trainer jobs' execution roles and GPU instances, and the secrets AWS cannot rotate. */
function acknowledgeTrainersAndSecrets(stack: MizanStack): void {
  for (const executionRole of [stack.batch.gpuJob.container.executionRole, stack.batch.cpuJob.container.executionRole]) {
    ack(executionRole, 'AwsSolutions-IAM5[Resource::*]', 'ecr:GetAuthorizationToken supports no resource-level permissions; image pulls are granted on the trainer repository only.');
  }
  if (stack.hfSecret instanceof Secret) {
    ack(stack.hfSecret, 'AwsSolutions-SMG4', 'A Hugging Face access token is issued and revoked at huggingface.co; AWS cannot rotate it. Rotate it there and put the new value.');
  }
  if (stack.alphaVantageSecret instanceof Secret) {
    ack(stack.alphaVantageSecret, 'AwsSolutions-SMG4', 'An Alpha Vantage API key is issued at alphavantage.co; AWS cannot rotate it. Replace it there and put the new value.');
  }
  for (const environment of stack.batch.gpuComputeEnvironments) {
    ack(
      environment,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      'The AWS-managed instance role policy the ECS agent on Batch GPU instances needs to join the cluster; it carries no data access.',
    );
  }
}

/** The region as it appears in finding ids: the literal region, or the pseudo parameter when env-agnostic. */
function regionText(stack: Stack): string {
  return Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
}
