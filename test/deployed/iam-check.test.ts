/**
 * The IAM check against the real synthesized Mizan template: each role's synthesized policies,
 * resolved to one pretend account, allow what that role's code must do and nothing the template
 * never grants. (Lambda bundling is skipped: the policies do not depend on the bundles.)
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { checkCalls, resolveIntrinsics, rolePolicies, summarise, type PhysicalNames, type TemplateJson } from './support/iam-check.ts';

const ACCOUNT = '111111111111';
const REGION = 'us-east-1';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
let resources: Resources;
let template: TemplateJson;

/** CloudFormation's names in the pretend account, for the resource types the roles' policies reference. */
function physicalNames(id: string): PhysicalNames {
  const type = resources[id]?.Type;
  const name = `Mizan-${id}`;
  const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  switch (type) {
    case 'AWS::S3::Bucket':
      return { ref: name.toLowerCase(), arn: `arn:aws:s3:::${name.toLowerCase()}` };
    case 'AWS::DynamoDB::Table':
      return { ref: name, arn: arn('dynamodb', `table/${name}`) };
    case 'AWS::StepFunctions::StateMachine':
      return { ref: arn('states', `stateMachine:${name}`), attrs: { Name: name } };
    case 'AWS::Lambda::Function':
      return { ref: name, arn: arn('lambda', `function:${name}`) };
    case 'AWS::IAM::Role':
      return { ref: name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` };
    case 'AWS::Logs::LogGroup':
      return { ref: name, arn: arn('logs', `log-group:${name}:*`) };
    case 'AWS::Batch::JobQueue':
      return { ref: arn('batch', `job-queue/${name}`), attrs: { JobQueueArn: arn('batch', `job-queue/${name}`) } };
    case 'AWS::Batch::JobDefinition':
      return { ref: arn('batch', `job-definition/${name}:1`) };
    default:
      throw new Error(`the test's resolver has no names for ${type ?? 'a missing resource'} ${id}`);
  }
}

/** The role (logical id) of the Lambda function whose logical id starts with `prefix`. */
function roleOfFunction(prefix: string): string {
  const [, fn] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix))!;
  return (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/** The logical id a Lambda environment variable of the API function refers to by Ref. */
function apiEnvRef(variable: string): string {
  const [, api] = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('ApiFunction'))!;
  return ((api.Properties!.Environment as { Variables: Record<string, { Ref: string }> }).Variables[variable]!).Ref;
}

const verdict = async (principal: string, action: string, resource: string) => (await checkCalls(template, physicalNames, [{ principal, action, resources: [resource] }]))[0]!;

let apiRole: string;
let decidePromotionRole: string;
let recordFailureRole: string;
let bucket: string;
let tableArn: string;
let stateMachineArn: string;

beforeAll(() => {
  const { stack } = buildApp({ cloudFormationValidation: false, env: {}, context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(stack).toJSON() as TemplateJson;
  resources = template.Resources as Resources;
  apiRole = roleOfFunction('ApiFunction');
  decidePromotionRole = roleOfFunction('DecidePromotion');
  recordFailureRole = roleOfFunction('RecordFailure');
  bucket = physicalNames(apiEnvRef('MIZAN_BUCKET')).ref;
  tableArn = physicalNames(apiEnvRef('MIZAN_TABLE')).arn!;
  stateMachineArn = physicalNames(apiEnvRef('MIZAN_STATE_MACHINE_ARN')).ref;
});

describe('the roles of the synthesized template, by simulation', () => {
  it('lets the API role read prices, start the state machine and describe its executions (Fn::Select of Fn::Split resolved)', async () => {
    // Act
    const results = await checkCalls(template, physicalNames, [
      { principal: apiRole, action: 's3:GetObject', resources: [`arn:aws:s3:::${bucket}/prices/x`] },
      { principal: apiRole, action: 'states:StartExecution', resources: [stateMachineArn] },
      { principal: apiRole, action: 'states:DescribeExecution', resources: [`${stateMachineArn.replace(':stateMachine:', ':execution:')}:run-1`] },
      { principal: apiRole, action: 'dynamodb:Query', resources: [tableArn] },
    ]);

    // Assess
    expect(results.map((r) => [r.action, r.allowed, r.reason])).toEqual([
      ['s3:GetObject', true, undefined],
      ['states:StartExecution', true, undefined],
      ['states:DescribeExecution', true, undefined],
      ['dynamodb:Query', true, undefined],
    ]);
  });

  it('lets Decide promotion write its decision, runs/<kind>/<version>/promotion.json, and nothing else of the run', async () => {
    // Act
    const decision = await verdict(decidePromotionRole, 's3:PutObject', `arn:aws:s3:::${bucket}/runs/lstm/v2022.12.30-abc/promotion.json`);
    const model = await verdict(decidePromotionRole, 's3:PutObject', `arn:aws:s3:::${bucket}/runs/lstm/v2022.12.30-abc/model.json`);

    // Assess
    expect(decision, decision.reason).toMatchObject({ allowed: true });
    expect(model.allowed).toBe(false);
    expect(model.reason).toContain(`its statements with s3:PutObject cover only arn:aws:s3:::${bucket}/runs/*/promotion.json`);
  });

  it('does not let Record failure write to the bucket', async () => {
    // Act
    const result = await verdict(recordFailureRole, 's3:PutObject', `arn:aws:s3:::${bucket}/runs/lstm/v1/result.json`);

    // Assess
    expect(result.allowed).toBe(false);
    expect(result.reason).toMatch(/^implicitly denied: no statement of RecordFailureRole\w+'s identity policies \(RecordFailureRoleDefaultPolicy\w+\) allows s3:PutObject/);
  });

  it('denies an action the template never grants, and one that is not an IAM action, with a readable reason', async () => {
    // Act
    const [deleteTable, unmapped] = await checkCalls(template, physicalNames, [
      { principal: apiRole, action: 'dynamodb:DeleteTable', resources: [tableArn] },
      { principal: apiRole, action: 's3:UNMAPPED(PUT bucket?cors)', resources: [`arn:aws:s3:::${bucket}`] },
    ]);

    // Assess
    expect(deleteTable).toMatchObject({ allowed: false, resource: tableArn });
    expect(deleteTable!.reason).toBe(
      `implicitly denied: no statement of ${apiRole}'s identity policies (${rolePolicies(template, physicalNames, apiRole).policies.map((p) => p.name).join(', ')}) ` +
        `allows dynamodb:DeleteTable on ${tableArn}; no statement of it mentions dynamodb:DeleteTable`,
    );
    expect(unmapped).toMatchObject({ allowed: false, reason: expect.stringContaining('is not an IAM action') });
  });

  it('resolves Fn::Sub with pseudo parameters (the trainer execution role may pull the CDK asset image)', async () => {
    // Prepare
    const [roleId] = Object.keys(resources).filter((id) => id.startsWith('BatchGpuTrainerExecutionRole') && resources[id]!.Type === 'AWS::IAM::Role');
    const repository = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}`;

    // Act
    const results = await checkCalls(template, physicalNames, [
      { principal: roleId!, action: 'ecr:BatchGetImage', resources: [repository, `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/other`] },
    ]);

    // Assess
    expect(results.map((r) => [r.resource, r.allowed])).toEqual([
      [repository, true],
      [`arn:aws:ecr:${REGION}:${ACCOUNT}:repository/other`, false],
    ]);
  });

  it('evaluates a wildcard-only action on "*" (the state machine role\'s batch:DescribeJobs) and its Batch job queues', async () => {
    // Prepare
    const [machine] = Object.values(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const roleId = (machine!.Properties!.RoleArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const queues = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::Batch::JobQueue').map((id) => physicalNames(id).ref);

    // Act
    const results = await checkCalls(template, physicalNames, [
      { principal: roleId, action: 'batch:DescribeJobs', resources: ['*'] },
      { principal: roleId, action: 'batch:SubmitJob', resources: queues },
    ]);

    // Assess
    expect(queues).toHaveLength(2);
    expect(results.map((r) => [r.action, r.allowed, r.reason])).toEqual([
      ['batch:DescribeJobs', true, undefined],
      ['batch:SubmitJob', true, undefined],
      ['batch:SubmitJob', true, undefined],
    ]);
  });

  it('names the AWS-managed policies it cannot evaluate in the denials of a role that has them', async () => {
    // Prepare
    const [roleId] = Object.keys(resources).filter((id) => id.startsWith('BatchGpuOnDemandInstanceProfileRole') && resources[id]!.Type === 'AWS::IAM::Role');
    const managed = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';

    // Act
    const policies = rolePolicies(template, physicalNames, roleId!);
    const result = await verdict(roleId!, 'ecs:RegisterContainerInstance', `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c`);

    // Assess
    expect(policies.unsupported).toEqual([managed]);
    expect(result.allowed).toBe(false);
    expect(result.reason).toContain(`not evaluated: the role's AWS-managed policies ${managed}`);
  });

  it('refuses a principal that is not a role of the template', async () => {
    // Act
    const checking = checkCalls(template, physicalNames, [{ principal: 'Operator', action: 's3:GetObject', resources: [`arn:aws:s3:::${bucket}/x`] }]);

    // Assess
    await expect(checking).rejects.toThrow(/"Operator" is not an AWS::IAM::Role of the template \(roles: .*ApiRole/);
  });
});

describe('summarise', () => {
  it('counts per role and lists each denial once as "Role: action on resource"', async () => {
    // Prepare
    const promotion = `arn:aws:s3:::${bucket}/runs/lstm/v1/promotion.json`;
    const results = await checkCalls(template, physicalNames, [
      { principal: apiRole, action: 's3:GetObject', resources: [promotion, `arn:aws:s3:::${bucket}/prices/x`] },
      { principal: recordFailureRole, action: 's3:PutObject', resources: [promotion] },
      { principal: recordFailureRole, action: 's3:PutObject', resources: [promotion] },
    ]);

    // Act
    const summary = summarise(results);

    // Assess
    expect(summary.byRole).toEqual({ [apiRole]: { allowed: 2, denied: 0 }, [recordFailureRole]: { allowed: 0, denied: 2 } });
    expect(summary.denied).toEqual([`${recordFailureRole}: s3:PutObject on ${promotion}`]);
    expect(summary.text).toContain(`DENIED ${recordFailureRole}: s3:PutObject on ${promotion}\n  implicitly denied`);
  });
});

describe('resolveIntrinsics', () => {
  const names = (id: string): PhysicalNames => ({ ref: `name-of-${id}`, arn: `arn:aws:x:::${id}`, attrs: { Name: `n-${id}` } });

  it('evaluates Ref, Fn::GetAtt, Fn::Join, Fn::Sub (pseudo parameters, ${Id}, ${Id.Attr}, ${!Literal}), Fn::Select and Fn::Split', () => {
    // Act
    const resolved = resolveIntrinsics(
      {
        ref: { Ref: 'Bucket' },
        getAtt: { 'Fn::GetAtt': 'Machine.Name' },
        join: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] },
        sub: { 'Fn::Sub': ['${AWS::Region}:${AWS::AccountId}:${AWS::URLSuffix}/${Fn}/${Fn.Arn}/${v}/${!Keep}', { v: { Ref: 'Table' } }] },
        select: { 'Fn::Select': [2, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Table', 'Arn'] }] }] },
      },
      names,
      { account: '222222222222', region: 'eu-west-1' },
    );

    // Assess
    expect(resolved).toEqual({
      ref: 'name-of-Bucket',
      getAtt: 'n-Machine',
      join: 'arn:aws:s3:::name-of-Bucket/*',
      sub: 'eu-west-1:222222222222:amazonaws.com/name-of-Fn/arn:aws:x:::Fn/name-of-Table/${Keep}',
      select: 'x',
    });
  });

  it('throws naming the intrinsic, attribute or pseudo parameter it cannot resolve', () => {
    expect(() => resolveIntrinsics({ 'Fn::If': ['IsProd', 'a', 'b'] }, names)).toThrow(/cannot resolve intrinsic Fn::If/);
    expect(() => resolveIntrinsics({ 'Fn::GetAtt': ['Queue', 'QueueUrl'] }, names)).toThrow('cannot resolve Fn::GetAtt Queue.QueueUrl');
    expect(() => resolveIntrinsics({ Ref: 'AWS::NotificationARNs' }, names)).toThrow('cannot resolve pseudo parameter Ref AWS::NotificationARNs');
  });
});
