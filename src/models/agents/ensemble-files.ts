/**
 * A stored policy ensemble as files: policy-ensemble.json (format, member count, what is averaged)
 * and each member's own files under members/<i>/ (e.g. members/0/ppo-agent.json), beside the
 * version's panel-transform.json. A version without policy-ensemble.json is one agent, as every
 * version stored before the ensembles: reading either gives a PortfolioAgent. Pure: bytes in and out.
 */
import type { PortfolioAgent } from './agent-algorithm.ts';
import { disposeAll, PolicyEnsemble } from './policy-ensemble.ts';

export const ENSEMBLE_FILE = 'policy-ensemble.json';
const FORMAT = 'mizan-policy-ensemble/1';

interface EnsembleJson {
  format: string;
  members: number;
  averaged: 'logits';
}

export function serializeEnsemble<A>(members: readonly A[], serialize: (agent: A) => Record<string, Uint8Array>): Record<string, Uint8Array> {
  const json: EnsembleJson = { format: FORMAT, members: members.length, averaged: 'logits' };
  const files: Record<string, Uint8Array> = { [ENSEMBLE_FILE]: new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`) };
  members.forEach((member, i) => {
    for (const [name, bytes] of Object.entries(serialize(member))) files[`${memberDir(i)}${name}`] = bytes;
  });
  return files;
}

/** A version's agent and its members: an ensemble's K, or the single agent as its only member. */
export interface ReadAgent<A extends PortfolioAgent> {
  agent: A | PolicyEnsemble<A>;
  members: readonly A[];
}

/** Reads one agent or an ensemble of them; throws naming what is missing (members read so far are freed). */
export function deserializeAgentOrEnsemble<A extends PortfolioAgent>(files: Readonly<Record<string, Uint8Array>>, deserialize: (files: Readonly<Record<string, Uint8Array>>) => A): ReadAgent<A> {
  const marker = files[ENSEMBLE_FILE];
  if (!marker) {
    const agent = deserialize(files);
    return { agent, members: [agent] };
  }
  const json = JSON.parse(new TextDecoder().decode(marker)) as Partial<EnsembleJson>;
  if (json.format !== FORMAT || !Number.isInteger(json.members) || (json.members ?? 0) < 1) throw new Error(`${ENSEMBLE_FILE} has format ${String(json.format)} and ${String(json.members)} members, expected ${FORMAT} and at least one`);
  const members: A[] = [];
  try {
    for (let i = 0; i < json.members!; i++) {
      const prefix = memberDir(i);
      const own = Object.fromEntries(Object.entries(files).flatMap(([name, bytes]) => (name.startsWith(prefix) ? [[name.slice(prefix.length), bytes]] : [])));
      if (Object.keys(own).length === 0) throw new Error(`the policy ensemble lacks member ${i}'s files (${prefix})`);
      members.push(deserialize(own));
    }
    return { agent: new PolicyEnsemble(members), members };
  } catch (error) {
    disposeAll(members);
    throw error;
  }
}

/** A kind's policy loader that also reads ensembles (allocation reads the current version with it). */
export function agentOrEnsembleLoader<A extends PortfolioAgent>(deserialize: (files: Readonly<Record<string, Uint8Array>>) => A): (files: Readonly<Record<string, Uint8Array>>) => PortfolioAgent {
  return (files) => deserializeAgentOrEnsemble(files, deserialize).agent;
}

function memberDir(i: number): string {
  return `members/${i}/`;
}
