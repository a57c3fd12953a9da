/**
 * What CloudFormation would make of the synthesized template's references, in one pretend account:
 * each resource's physical name and ARN (as `Ref` and `Fn::GetAtt` would return them), and the
 * evaluation of the intrinsic functions the template uses. The deployed tier reads the Lambdas'
 * environment, the state machine's definition and the roles' policies through it, so all three name
 * the same bucket, table, functions, queues and job definitions.
 */
export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
export const STACK = 'Mizan';

export type CfnTemplate = { Resources: Record<string, CfnResource> };
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface PhysicalNames {
  /** What `{Ref: id}` returns. */
  ref: string;
  /** What `{'Fn::GetAtt': [id, 'Arn']}` (or the type's ARN attribute) returns. */
  arn?: string;
  /** Other attributes, by name. */
  attrs?: Record<string, string>;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': ACCOUNT,
  'AWS::Region': REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': STACK,
};

/** Physical names in the style CloudFormation gives them: `{stack}-{logicalId}` unless the template names the resource. */
export function physicalNames(id: string, resource: CfnResource): PhysicalNames {
  const props = resource.Properties ?? {};
  const named = (key: string): string => (typeof props[key] === 'string' ? (props[key] as string) : `${STACK}-${id}`).slice(0, 64);
  const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;
  switch (resource.Type) {
    case 'AWS::S3::Bucket': {
      const name = `${STACK}-${id}`.toLowerCase();
      return { ref: name, arn: `arn:aws:s3:::${name}` };
    }
    case 'AWS::DynamoDB::Table': {
      const name = named('TableName');
      return { ref: name, arn: arn('dynamodb', `table/${name}`) };
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName');
      return { ref: name, arn: arn('lambda', `function:${name}`) };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const stateMachineArn = arn('states', `stateMachine:${named('StateMachineName')}`);
      return { ref: stateMachineArn, arn: stateMachineArn, attrs: { Name: named('StateMachineName') } };
    }
    case 'AWS::IAM::Role': {
      const name = named('RoleName');
      return { ref: name, arn: `arn:aws:iam::${ACCOUNT}:role/${name}` };
    }
    case 'AWS::Batch::JobQueue': {
      const queueArn = arn('batch', `job-queue/${named('JobQueueName')}`);
      return { ref: queueArn, attrs: { JobQueueArn: queueArn } };
    }
    case 'AWS::Batch::JobDefinition':
      return { ref: arn('batch', `job-definition/${named('JobDefinitionName')}:1`) };
    case 'AWS::Batch::ComputeEnvironment': {
      const ceArn = arn('batch', `compute-environment/${STACK}-${id}`);
      return { ref: ceArn, attrs: { ComputeEnvironmentArn: ceArn } };
    }
    case 'AWS::SecretsManager::Secret': {
      const secretArn = arn('secretsmanager', `secret:${STACK}-${id}-AbCdEf`);
      return { ref: secretArn, arn: secretArn };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName');
      return { ref: name, arn: arn('logs', `log-group:${name}:*`) };
    }
    case 'AWS::Events::Rule': {
      const name = named('Name');
      return { ref: name, arn: arn('events', `rule/${name}`) };
    }
    case 'AWS::SQS::Queue': {
      const name = named('QueueName');
      return { ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`, arn: arn('sqs', name), attrs: { QueueName: name } };
    }
    default:
      return { ref: `${STACK}-${id}`, arn: arn(resource.Type.split('::')[1]!.toLowerCase(), `${id}`) };
  }
}

/**
 * Evaluates Ref (resources and the pseudo parameters above), Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select
 * and Fn::Split against the pretend account; throws, naming what it cannot resolve, on anything else
 * (Fn::If and the other intrinsics, a pseudo parameter such as AWS::NotificationARNs, an attribute the
 * names do not give).
 */
export class CfnResolver {
  private readonly names = new Map<string, PhysicalNames>();

  constructor(readonly template: CfnTemplate) {
    for (const [id, resource] of Object.entries(template.Resources)) this.names.set(id, physicalNames(id, resource));
  }

  physical(id: string): PhysicalNames {
    const names = this.names.get(id);
    if (!names) throw new Error(`no resource ${id} in the template`);
    return names;
  }

  /** What `{Ref: id}` returns: a pseudo parameter's value, or the resource's physical name. */
  ref(id: string): string {
    if (id.startsWith('AWS::')) {
      const value = PSEUDO[id];
      if (value === undefined) throw new Error(`cannot resolve pseudo parameter Ref ${id}`);
      return value;
    }
    return this.physical(id).ref;
  }

  getAtt(id: string, attribute: string): string {
    const names = this.physical(id);
    const value = names.attrs?.[attribute] ?? (attribute === 'Arn' ? names.arn : undefined);
    if (value === undefined) throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}: physicalNames gives ${this.template.Resources[id]!.Type} no ${attribute} attribute`);
    return value;
  }

  /** The value with every intrinsic function evaluated. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [key, arg] = entries[0] ?? [];
    if (entries.length !== 1 || !key || (key !== 'Ref' && key !== 'Condition' && !key.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([k, item]) => [k, this.resolve(item)]));
    }
    switch (key) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof arg === 'string' ? splitOnce(arg, '.') : (arg as [string, unknown]);
        return this.getAtt(id, this.resolveString(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown];
        return listOf(this.resolve(parts), key).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = listOf(this.resolve(list), key);
        const at = Number(this.resolve(index));
        if (!(at in items)) throw new Error(`Fn::Select: index ${at} outside ${JSON.stringify(items)}`);
        return items[at];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return this.resolveString(text).split(separator);
      }
      case 'Fn::Sub':
        return this.sub(arg);
      default:
        throw new Error(`cannot resolve intrinsic ${key}: ${JSON.stringify(arg).slice(0, 200)}`);
    }
  }

  resolveString(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** `${AWS::Region}`, `${LogicalId}`, `${LogicalId.Attr}`, a variable of the map, or `${!Literal}` (→ `${Literal}`). */
  private sub(arg: unknown): string {
    const [text, variables] = typeof arg === 'string' ? [arg, {}] : (arg as [string, Record<string, unknown>]);
    return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in variables) return this.resolveString(variables[name]);
      if (name.startsWith('AWS::')) return this.ref(name);
      const [id, attribute] = splitOnce(name, '.');
      return attribute ? this.getAtt(id, attribute) : this.ref(id);
    });
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function listOf(value: unknown, intrinsic: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${intrinsic}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}
