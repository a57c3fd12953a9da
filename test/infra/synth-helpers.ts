/** Helpers for reading a synthesized Mizan template in tests. */
import type { Template } from 'aws-cdk-lib/assertions';

type Json = Record<string, unknown>;

/** The state machine's ASL: its DefinitionString Fn::Join with every token replaced by `renderToken(token)`
 *  (default: the placeholder TOKEN; `logicalIdOfToken` names the resource a Ref/GetAtt points at). */
export function stateMachineDefinition(
  template: Template,
  renderToken: (token: unknown) => string = () => 'TOKEN',
): { StartAt: string; States: Record<string, Json> } {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const definition = (machines[0] as { Properties: { DefinitionString: unknown } }).Properties.DefinitionString;
  if (typeof definition === 'string') return JSON.parse(definition);
  const [separator, parts] = (definition as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : renderToken(part))).join(separator));
}

/** `{Ref: X}` or `{'Fn::GetAtt': [X, attr]}` → X; anything else → TOKEN. */
export function logicalIdOfToken(token: unknown): string {
  const t = token as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return t.Ref ?? t['Fn::GetAtt']?.[0] ?? 'TOKEN';
}

/** Every IAM policy statement of the template (managed and inline policies), with the resource that holds it. */
export function policyStatements(template: Template): Array<{ owner: string; statement: Json }> {
  const out: Array<{ owner: string; statement: Json }> = [];
  const collect = (owner: string, document: unknown) => {
    const statements = (document as { Statement?: Json[] } | undefined)?.Statement ?? [];
    for (const statement of statements) out.push({ owner, statement });
  };
  for (const [id, policy] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    collect(id, (policy as { Properties: Json }).Properties.PolicyDocument);
  }
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
    const policies = ((role as { Properties: Json }).Properties.Policies as Json[] | undefined) ?? [];
    for (const policy of policies) collect(id, policy.PolicyDocument);
  }
  return out;
}

export const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
