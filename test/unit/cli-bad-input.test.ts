/**
 * The CLI's bad-input cases in-process (`main(argv, io)`, what bin/mizan.mjs calls), against a data
 * dir that does not exist yet, given by flag or by MIZAN_DATA_DIR: exit 2, one line naming the valid
 * choices, and the data dir is still not there afterwards.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/commands/common.ts';
import { listTree } from '../e2e/cli-support.ts';
import { BAD_INPUTS } from '../support/cli-bad-inputs.ts';

function capturingIo(env: NodeJS.ProcessEnv = {}): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, env, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}

describe('mizan main() with bad input and a data dir that does not exist yet', () => {
  it.each(BAD_INPUTS.map((c) => [c.name, c] as const))('%s: exit 2, one line, the data dir is not created', async (_name, testCase) => {
    // Prepare
    const parent = await mkdtemp(join(tmpdir(), 'mizan-cli-absent-'));
    const byFlag = join(parent, 'by-flag');
    const byEnv = join(parent, 'by-env');
    const flagIo = capturingIo();
    const envIo = capturingIo({ MIZAN_DATA_DIR: byEnv });
    // Act
    const flagCode = await main([...testCase.args, '--data-dir', byFlag], flagIo);
    const envCode = await main(testCase.args, envIo);
    // Assess
    for (const [code, io] of [[flagCode, flagIo], [envCode, envIo]] as const) {
      expect(code, io.err.join('\n')).toBe(2);
      expect(io.out).toEqual([]);
      expect(io.err).toHaveLength(1);
      expect(io.err[0]).not.toContain('\n');
      expect(io.err[0]).toMatch(testCase.message);
    }
    expect(await listTree(parent)).toEqual([expect.stringMatching(/^\.\/ dir /)]);
  });

  it('answers help with exit 0 and no command with the usage and exit 2', async () => {
    const help = capturingIo();
    const none = capturingIo();
    expect(await main(['help'], help)).toBe(0);
    expect(await main([], none)).toBe(2);
    expect(help.out[0]).toMatch(/mizan train KIND .*--profile smoke\|local\|full/);
    expect(none.out).toEqual(help.out);
  });
});
