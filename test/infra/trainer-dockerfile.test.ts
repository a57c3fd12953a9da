/**
 * The trainer image cannot be built here (no docker engine): these checks read the Dockerfile the way
 * a reviewer would — the CUDA base tfjs-node-gpu needs, the entrypoint that exists, no secrets, not root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRAINER_DOCKERFILE, TRAINER_DOCKERIGNORE, readIgnoreFile } from '../../infra/constructs/training-batch.ts';
import { repoPath } from '../../infra/config/paths.ts';

interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}

/** Dockerfile instructions with continuation lines joined and comments dropped; `stage` counts FROMs. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let stage = -1;
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    return { keyword: keyword.toUpperCase(), args: rest.join(' '), stage };
  });
}

describe('containers/trainer/Dockerfile', () => {
  const instructions = parseDockerfile(readFileSync(repoPath(TRAINER_DOCKERFILE), 'utf8'));
  const finalStage = Math.max(...instructions.map((i) => i.stage));
  const final = instructions.filter((i) => i.stage === finalStage);

  it('builds on CUDA 11.2 / cuDNN 8 and installs tfjs-node-gpu 4.22 with Node 22', () => {
    // Prepare
    const froms = instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args);
    const runs = instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join('\n');

    // Assess
    expect(froms).toContain('nvidia/cuda:11.2.2-cudnn8-runtime-ubuntu20.04 AS base');
    expect(froms.some((from) => /^node:22[-.]/.test(from))).toBe(true);
    expect(froms.at(-1)).toMatch(/^base AS trainer$/); // the image that runs derives from the CUDA base
    expect(runs).toMatch(/npm ci --omit=dev/);
    expect(runs).toMatch(/@tensorflow\/tfjs-node-gpu@4\.22\.0/);
  });

  it('runs the same entrypoint as the local runner, and that file exists', () => {
    // Prepare
    const entrypoint = final.find((i) => i.keyword === 'ENTRYPOINT');

    // Assess
    expect(entrypoint).toBeDefined();
    const argv = JSON.parse(entrypoint!.args) as string[];
    expect(argv).toEqual(['node', 'bin/run-ts.mjs', 'containers/trainer/entrypoint.ts']);
    for (const file of argv.slice(1)) expect(existsSync(repoPath(file)), `${file} exists`).toBe(true);
  });

  it('copies only sources that exist and the build context lets through', () => {
    // Prepare
    const copies = final.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'));
    const sources = copies.flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    const allowed = readIgnoreFile(repoPath(TRAINER_DOCKERIGNORE)).filter((p) => p.startsWith('!')).map((p) => p.slice(1));

    // Assess
    expect(sources).toEqual(expect.arrayContaining(['src/', 'bin/', 'containers/trainer/', 'data/sample/']));
    for (const source of sources) {
      expect(existsSync(repoPath(source)), `${source} exists`).toBe(true);
      expect(allowed.some((a) => source.replace(/\/$/, '') === a), `${source} is in the .dockerignore allowlist`).toBe(true);
    }
  });

  it('bakes in no secrets and does not run as root', () => {
    // Prepare
    const secretish = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|CREDENTIAL|HF_)/i;
    const envAndArgs = instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG');
    const users = final.filter((i) => i.keyword === 'USER').map((i) => i.args);

    // Assess
    for (const instruction of envAndArgs) expect(instruction.args, `${instruction.keyword} ${instruction.args}`).not.toMatch(secretish);
    expect(instructions.some((i) => i.keyword === 'COPY' && /\.env\b|credentials|\.npmrc/.test(i.args))).toBe(false);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });
});
