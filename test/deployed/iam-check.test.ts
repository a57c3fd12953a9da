/**
 * The IAM check against the real synthesized Mizan template: each role's synthesized policies,
 * resolved to one pretend account, allow what that role's code must do and nothing the template
 * never grants. (Lambda bundling is skipped: the policies do not depend on the bundles.)
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import { ACCOUNT, CfnResolver, REGION, type CfnTemplate } from './support/cfn-names.ts';
import { checkCalls, rolePolicies, summarise } from './support/iam-check.ts';

let template: CfnTemplate;
let resources: CfnTemplate['Resources'];
/** CloudFormation's names in the pretend account, as the deployed tier gives them. */
let resolver: CfnResolver;

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

const verdict = async (principal: string, action: string, resource: string) => (await checkCalls(template, resolver, [{ principal, action, resources: [resource] }]))[0]!;

let apiRole: string;
let decidePromotionRole: string;
let recordFailureRole: string;
let bucket: string;
let tableArn: string;
let stateMachineArn: string;

beforeAll(() => {
  const { stack } = buildApp({ cloudFormationValidation: false, env: {}, context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(stack).toJSON() as CfnTemplate;
  resources = template.Resources;
  resolver = new CfnResolver(template);
  apiRole = roleOfFunction('ApiFunction');
  decidePromotionRole = roleOfFunction('DecidePromotion');
  recordFailureRole = roleOfFunction('RecordFailure');
  bucket = resolver.ref(apiEnvRef('MIZAN_BUCKET'));
  tableArn = resolver.getAtt(apiEnvRef('MIZAN_TABLE'), 'Arn');
  stateMachineArn = resolver.ref(apiEnvRef('MIZAN_STATE_MACHINE_ARN'));
});

describe('the roles of the synthesized template, by simulation', () => {
  it('lets the API role read prices, start the state machine and describe its executions (Fn::Select of Fn::Split resolved)', async () => {
    // Act
    const results = await checkCalls(template, resolver, [
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
    const [deleteTable, unmapped] = await checkCalls(template, resolver, [
      { principal: apiRole, action: 'dynamodb:DeleteTable', resources: [tableArn] },
      { principal: apiRole, action: 's3:UNMAPPED(PUT bucket?cors)', resources: [`arn:aws:s3:::${bucket}`] },
    ]);

    // Assess
    expect(deleteTable).toMatchObject({ allowed: false, resource: tableArn });
    expect(deleteTable!.reason).toBe(
      `implicitly denied: no statement of ${apiRole}'s identity policies (${rolePolicies(template, resolver, apiRole).policies.map((p) => p.name).join(', ')}) ` +
        `allows dynamodb:DeleteTable on ${tableArn}; no statement of it mentions dynamodb:DeleteTable`,
    );
    expect(unmapped).toMatchObject({ allowed: false, reason: expect.stringContaining('is not an IAM action') });
  });

  it('resolves Fn::Sub with pseudo parameters (the trainer execution role may pull the CDK asset image)', async () => {
    // Prepare
    const [roleId] = Object.keys(resources).filter((id) => id.startsWith('BatchGpuTrainerExecutionRole') && resources[id]!.Type === 'AWS::IAM::Role');
    const repository = `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/cdk-hnb659fds-container-assets-${ACCOUNT}-${REGION}`;

    // Act
    const results = await checkCalls(template, resolver, [
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
    const queues = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::Batch::JobQueue').map((id) => resolver.ref(id));

    // Act
    const results = await checkCalls(template, resolver, [
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
    const policies = rolePolicies(template, resolver, roleId!);
    const result = await verdict(roleId!, 'ecs:RegisterContainerInstance', `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c`);

    // Assess
    expect(policies.unsupported).toEqual([managed]);
    expect(result.allowed).toBe(false);
    expect(result.reason).toContain(`not evaluated: the role's AWS-managed policies ${managed}`);
  });

  it('refuses a principal that is not a role of the template', async () => {
    // Act
    const checking = checkCalls(template, resolver, [{ principal: 'Operator', action: 's3:GetObject', resources: [`arn:aws:s3:::${bucket}/x`] }]);

    // Assess
    await expect(checking).rejects.toThrow(/"Operator" is not an AWS::IAM::Role of the template \(roles: .*ApiRole/);
  });
});

describe('summarise', () => {
  it('counts per role and lists each denial once as "Role: action on resource"', async () => {
    // Prepare
    const promotion = `arn:aws:s3:::${bucket}/runs/lstm/v1/promotion.json`;
    const results = await checkCalls(template, resolver, [
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
