/**
 * "Record failure" now undoes a promotion of its run (src/pipeline/undo-promotion.ts): it reads the
 * stored decision (runs/{kind}/{version}/promotion.json in the bucket) and moves or deletes the
 * CURRENT item of the registry table. Its role must allow exactly that, on those two resources.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/app.ts';
import type { MizanStack } from '../../infra/mizan-stack.ts';
import { asArray, policyStatements } from './synth-helpers.ts';

type Json = Record<string, unknown>;

let stack: MizanStack;
let template: Template;

beforeAll(() => {
  ({ stack } = buildApp({ cloudFormationValidation: false, env: {}, context: { hfRepo: 'acme/mizan-{kind}' } }));
  template = Template.fromStack(stack);
});

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as Parameters<MizanStack['getLogicalId']>[0]);

/** The actions the record-failure role is allowed on resources whose reference names `resourceId`. */
function allowedOn(resourceId: string): string[] {
  const role = logicalId(stack.functions.recordFailure.role);
  const policiesOfRole = Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([, policy]) => JSON.stringify((policy as { Properties: Json }).Properties.Roles).includes(role))
    .map(([id]) => id);
  return policyStatements(template)
    .filter(({ owner, statement }) => (owner === role || policiesOfRole.includes(owner)) && statement.Effect === 'Allow')
    .filter(({ statement }) => JSON.stringify(statement.Resource).includes(resourceId))
    .flatMap(({ statement }) => asArray(statement.Action as string | string[]));
}

describe('the record-failure function', () => {
  it('may read the stored promotion decision from the bucket', () => {
    const actions = allowedOn(logicalId(stack.storage.bucket));
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject*']));
    expect(actions.filter((action) => /^s3:(Put|Delete)/.test(action))).toEqual([]); // read only
  });

  it('may move back (PutItem) or clear (DeleteItem) the current pointer, and update the version record', () => {
    const actions = allowedOn(logicalId(stack.storage.table));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem']));
  });
});
