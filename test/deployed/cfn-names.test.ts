/**
 * CfnResolver: the intrinsics of a template evaluated to the deployed tier's pretend account
 * (111111111111, us-east-1, stack Mizan), with the physical names CloudFormation would give.
 */
import { describe, expect, it } from 'vitest';
import { CfnResolver, type CfnTemplate } from './support/cfn-names.ts';

const template: CfnTemplate = {
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket' },
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'prices' } },
    Fn: { Type: 'AWS::Lambda::Function' },
    Machine: { Type: 'AWS::StepFunctions::StateMachine' },
    Queue: { Type: 'AWS::SQS::Queue' },
  },
};
const resolver = new CfnResolver(template);

describe('CfnResolver.resolve', () => {
  it('evaluates Ref, Fn::GetAtt, Fn::Join, Fn::Sub (pseudo parameters, ${Id}, ${Id.Attr}, ${!Literal}), Fn::Select and Fn::Split', () => {
    // Act
    const resolved = resolver.resolve({
      ref: { Ref: 'Bucket' },
      getAtt: { 'Fn::GetAtt': 'Machine.Name' },
      join: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'Bucket' }, '/*']] },
      sub: { 'Fn::Sub': ['${AWS::Region}:${AWS::AccountId}:${AWS::URLSuffix}:${AWS::StackName}/${Fn}/${Fn.Arn}/${v}/${!Keep}', { v: { Ref: 'Table' } }] },
      select: { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Table', 'Arn'] }] }] },
      list: [{ Ref: 'Fn' }, 'literal', 3],
    });

    // Assess
    expect(resolved).toEqual({
      ref: 'mizan-bucket',
      getAtt: 'Mizan-Machine',
      join: 'arn:aws:s3:::mizan-bucket/*',
      sub: 'us-east-1:111111111111:amazonaws.com:Mizan/Mizan-Fn/arn:aws:lambda:us-east-1:111111111111:function:Mizan-Fn/prices/${Keep}',
      select: 'table/prices',
      list: ['Mizan-Fn', 'literal', 3],
    });
  });

  it('throws naming the intrinsic, attribute, pseudo parameter or resource it cannot resolve', () => {
    expect(() => resolver.resolve({ 'Fn::If': ['IsProd', 'a', 'b'] })).toThrow(/cannot resolve intrinsic Fn::If/);
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Queue', 'QueueUrl'] })).toThrow('cannot resolve Fn::GetAtt Queue.QueueUrl: physicalNames gives AWS::SQS::Queue no QueueUrl attribute');
    expect(() => resolver.resolve({ Ref: 'AWS::NotificationARNs' })).toThrow('cannot resolve pseudo parameter Ref AWS::NotificationARNs');
    expect(() => resolver.resolve({ 'Fn::Sub': '${Missing}' })).toThrow('no resource Missing in the template');
    expect(() => resolver.resolve({ 'Fn::Select': [3, ['a', 'b']] })).toThrow('Fn::Select: index 3 outside ["a","b"]');
  });
});
