/**
 * EventBridge for the deployed tier: the template's rules (AWS::Events::Rule with an EventPattern),
 * matched against an event as EventBridge matches (every pattern field must match; an array lists the
 * values accepted), each matched rule's Lambda targets listed with the permission that lets
 * events.amazonaws.com invoke them.
 */
import type { CfnResolver, CfnTemplate } from './cfn-names.ts';
import { resourcesOfType } from './synthesized-stack.ts';

export interface RuleTarget {
  ruleId: string;
  ruleArn: string;
  functionArn: string;
  /** Whether an AWS::Lambda::Permission lets this rule invoke the function (EventBridge needs one). */
  permitted: boolean;
}

export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((accepted) => (typeof accepted === 'object' && accepted !== null ? false : accepted === value));
  if (pattern !== null && typeof pattern === 'object') {
    if (value === null || typeof value !== 'object') return false;
    return Object.entries(pattern).every(([key, sub]) => matchesPattern(sub, (value as Record<string, unknown>)[key]));
  }
  return pattern === value;
}

/** The Lambda targets of every enabled rule whose pattern matches `event`. */
export function matchingTargets(template: CfnTemplate, resolver: CfnResolver, event: Record<string, unknown>): RuleTarget[] {
  const permissions = resourcesOfType(template, 'AWS::Lambda::Permission').map(([, p]) => resolver.resolve(p.Properties ?? {}) as Record<string, string>);
  const targets: RuleTarget[] = [];
  for (const [ruleId, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
    const props = resolver.resolve(rule.Properties ?? {}) as { EventPattern?: unknown; State?: string; Targets?: Array<{ Arn: string }> };
    if (!props.EventPattern || props.State === 'DISABLED' || !matchesPattern(props.EventPattern, event)) continue;
    const ruleArn = resolver.physical(ruleId).arn!;
    for (const target of props.Targets ?? []) {
      if (!target.Arn.includes(':lambda:')) continue;
      const permitted = permissions.some(
        (p) => p.Action === 'lambda:InvokeFunction' && p.Principal === 'events.amazonaws.com' && p.SourceArn === ruleArn && (p.FunctionName === target.Arn || target.Arn.endsWith(`:${p.FunctionName}`)),
      );
      targets.push({ ruleId, ruleArn, functionArn: target.Arn, permitted });
    }
  }
  return targets;
}
