/**
 * Checks observed AWS calls against the synthesized template's IAM: each role's identity policies
 * (AWS::IAM::Policy / ManagedPolicy / RolePolicy attached to it, and its inline Policies), with the
 * template's intrinsics resolved by cfn-names.ts's CfnResolver (the pretend account's physical names),
 * evaluated by @cloud-copilot/iam-simulate.
 *
 * Only identity policies are evaluated. Resource policies (bucket policies, Lambda permissions) are
 * ignored: the artifacts bucket's policy only denies non-TLS requests (AWS SDKs use TLS), the roles are
 * in the bucket's account so they need no resource-policy grant, and the Lambda permissions concern
 * API Gateway and EventBridge, which are not roles of the template. There are no permission boundaries, SCPs or
 * session policies. AWS-managed policies are not in the template, so they cannot be evaluated: they are
 * named in the reason of any denial of a role that has them, never silently counted as granting nothing.
 */
import { getDenialReasons, runSimulation, type RunSimulationResults } from '@cloud-copilot/iam-simulate';
import type { CfnResolver, CfnResource } from './cfn-names.ts';

export interface ObservedCall {
  /** The role's logical id. */
  principal: string;
  action: string;
  resources: string[];
}
/** One verdict per resource of a call. */
export type CallResult<C extends ObservedCall = ObservedCall> = C & { resource: string; allowed: boolean; reason?: string };

export interface RoleSummary {
  allowed: number;
  denied: number;
}
export interface Summary {
  byRole: Record<string, RoleSummary>;
  /** `RoleLogicalId: action on resource`, one per denial (duplicates removed). */
  denied: string[];
  /** A few lines for a test log or an assertion message. */
  text: string;
}

export interface RolePolicies {
  roleId: string;
  policies: Array<{ name: string; document: unknown }>;
  /** ManagedPolicyArns that are not policies of the template (AWS-managed): not evaluated. */
  unsupported: string[];
}

/** The synthesized template (`cdk.out/Mizan.template.json`, or `Template.toJSON()`). */
export type TemplateJson = { Resources?: Record<string, CfnResource> };

/** Every call checked, one result per resource, in order. Throws if a principal is not a role of the template. */
export async function checkCalls<C extends ObservedCall>(
  template: TemplateJson,
  resolver: CfnResolver,
  calls: C[],
): Promise<Array<CallResult<C>>> {
  const roles = new Map<string, RolePolicies>();
  const roleOf = (roleId: string): RolePolicies => {
    if (!roles.has(roleId)) roles.set(roleId, collectRolePolicies(template, roleId, resolver));
    return roles.get(roleId)!;
  };
  const verdicts = new Map<string, Promise<{ allowed: boolean; reason?: string }>>();
  const results = calls.flatMap((call) => {
    const role = roleOf(call.principal);
    const resources = call.resources.length ? call.resources : [''];
    return resources.map(async (resource) => {
      const key = JSON.stringify([call.principal, call.action, resource]);
      if (!verdicts.has(key)) verdicts.set(key, simulate(role, call.action, resource, resolver));
      return { ...call, resource, ...(await verdicts.get(key)!) };
    });
  });
  return Promise.all(results);
}

export function summarise(results: Array<CallResult<ObservedCall>>): Summary {
  const byRole: Record<string, RoleSummary> = {};
  const denied = new Set<string>();
  const reasons = new Map<string, string>();
  for (const result of results) {
    const counts = (byRole[result.principal] ??= { allowed: 0, denied: 0 });
    if (result.allowed) {
      counts.allowed++;
      continue;
    }
    counts.denied++;
    const line = `${result.principal}: ${result.action} on ${result.resource || '(no resource)'}`;
    denied.add(line);
    if (result.reason) reasons.set(line, result.reason);
  }
  const lines = Object.entries(byRole).map(([role, c]) => `${role}: ${c.allowed} allowed, ${c.denied} denied`);
  for (const line of denied) lines.push(`DENIED ${line}${reasons.has(line) ? `\n  ${reasons.get(line)}` : ''}`);
  return { byRole, denied: [...denied], text: lines.join('\n') };
}

/** The identity policies of one role, intrinsics resolved. Throws if `roleId` is not an AWS::IAM::Role. */
export function rolePolicies(template: TemplateJson, resolver: CfnResolver, roleId: string): RolePolicies {
  return collectRolePolicies(template, roleId, resolver);
}

function collectRolePolicies(template: TemplateJson, roleId: string, resolver: CfnResolver): RolePolicies {
  const resources = template.Resources ?? {};
  const role = resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') {
    const roles = Object.keys(resources).filter((id) => resources[id]!.Type === 'AWS::IAM::Role');
    throw new Error(`${JSON.stringify(roleId)} is not an AWS::IAM::Role of the template (roles: ${roles.join(', ')})`);
  }
  const policies: RolePolicies['policies'] = [];
  const resolve = (value: unknown) => resolver.resolve(value);
  // `{Ref: RoleId}` (what CDK writes), or the role's name as a literal.
  const refersToRole = (value: unknown) =>
    (value as { Ref?: string } | undefined)?.Ref === roleId || (typeof value === 'string' && value === resolver.ref(roleId));

  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    const attached =
      ((resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') && asList(props.Roles).some(refersToRole)) ||
      (resource.Type === 'AWS::IAM::RolePolicy' && refersToRole(props.RoleName));
    if (attached) policies.push({ name: id, document: resolve(props.PolicyDocument) });
  }
  const props = role.Properties ?? {};
  for (const inline of asList(props.Policies) as Array<{ PolicyName?: unknown; PolicyDocument?: unknown }>) {
    policies.push({ name: `${roleId}/${String(resolve(inline.PolicyName))}`, document: resolve(inline.PolicyDocument) });
  }
  const unsupported: string[] = [];
  for (const arn of asList(props.ManagedPolicyArns)) {
    // A customer-managed policy of the template, referenced from the role rather than attached by Roles.
    const ref = (arn as { Ref?: string }).Ref;
    if (ref && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy') {
      if (!policies.some((p) => p.name === ref)) policies.push({ name: ref, document: resolve(resources[ref]!.Properties?.PolicyDocument) });
    } else {
      unsupported.push(String(resolve(arn)));
    }
  }
  return { roleId, policies, unsupported };
}

async function simulate(role: RolePolicies, action: string, resource: string, resolver: CfnResolver): Promise<{ allowed: boolean; reason?: string }> {
  if (!resource) return { allowed: false, reason: `no resource was recorded for ${action}, so IAM cannot be asked` };
  const account = resolver.ref('AWS::AccountId');
  const roleName = resolver.ref(role.roleId);
  const response = await runSimulation(
    {
      request: {
        principal: `arn:${resolver.ref('AWS::Partition')}:sts::${account}:assumed-role/${roleName}/${role.roleId}-session`,
        action,
        // S3 ARNs carry no account: the bucket is the stack's, in the same account.
        resource: { resource, accountId: resource.split(':')[4] || account },
        contextVariables: {},
      },
      identityPolicies: role.policies.map(({ name, document }) => ({ name, policy: document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType !== 'error' && response.overallResult === 'Allowed') return { allowed: true };
  const unevaluated = role.unsupported.length ? ` (not evaluated: the role's AWS-managed policies ${role.unsupported.join(', ')})` : '';
  return { allowed: false, reason: denialReason(response, role, action, resource) + unevaluated };
}

function denialReason(response: RunSimulationResults, role: RolePolicies, action: string, resource: string): string {
  if (response.resultType === 'error') {
    const { message, ...details } = response.errors;
    const known: Record<string, string> = {
      'invalid.action': `${action} is not an IAM action`,
      'invalid.service': `${action.split(':')[0]} is not an IAM service prefix`,
      'no.resource.types': `${resource} is not a resource type that ${action} acts on`,
    };
    const what = known[message] ?? message;
    return `the simulator refused the request: ${what}${Object.keys(details).length ? ` ${JSON.stringify(details)}` : ''}`;
  }
  const analysis = response.resultType === 'single' ? response.result.analysis : response.results[0]?.analysis;
  const policyNames = role.policies.map((p) => p.name).join(', ') || 'none';
  if (response.overallResult === 'ExplicitlyDenied' && analysis) {
    const denials = getDenialReasons(analysis).map((d) =>
      d.denialType === 'Explicit' ? `${d.policyIdentifier ?? d.policyType} statement ${d.statementId ?? `#${d.statementIndex}`}` : d.policyType,
    );
    return `explicitly denied by ${denials.join(', ')}`;
  }
  // Implicit: say where the role's statements for this action do reach, which is usually the fix.
  const sameAction = (analysis?.identityAnalysis?.unmatchedStatements ?? []).filter((s) => s.actionMatch);
  const reach = [...new Set(sameAction.flatMap((s) => asList(s.explain.resources).map((r) => (r as { resource: string }).resource)))];
  const hint = reach.length ? `; its statements with ${action} cover only ${reach.join(', ')}` : `; no statement of it mentions ${action}`;
  return `implicitly denied: no statement of ${role.roleId}'s identity policies (${policyNames}) allows ${action} on ${resource}${hint}`;
}

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
