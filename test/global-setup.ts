/**
 * Every test's temp dirs (os.tmpdir()) go under one folder per run, removed at the end, so a
 * run leaves nothing behind in /tmp. Workers and the processes they spawn inherit TMPDIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'mizan-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
