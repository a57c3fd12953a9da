/**
 * A bundle without node_modules (the API Lambda) finds TensorFlow.js's wasm binaries in MIZAN_WASM_DIR:
 * from a folder holding them the wasm backend starts; from an empty one it cannot.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const RUN_TS = new URL('../../bin/run-ts.mjs', import.meta.url).pathname;
const BACKEND = new URL('../../src/ml/backend.ts', import.meta.url).pathname;
const PROBE = `import { initBackend } from ${JSON.stringify(BACKEND)}; console.log(await initBackend());`;

async function backendWith(wasmDir: string): Promise<{ stdout: string; failed: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'mizan-wasm-probe-'));
  const probe = join(dir, 'probe.mts'); // .mts: an ES module wherever it lies
  await import('node:fs/promises').then((fs) => fs.writeFile(probe, PROBE));
  try {
    const { stdout } = await run(process.execPath, [RUN_TS, probe], { env: { ...process.env, MIZAN_WASM_DIR: wasmDir }, timeout: 60_000 });
    return { stdout, failed: false };
  } catch (error) {
    return { stdout: String((error as { stdout?: string }).stdout ?? ''), failed: true };
  }
}

describe('MIZAN_WASM_DIR', () => {
  it('loads the wasm backend from the folder it names, and from nowhere else', async () => {
    // Prepare
    const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    const shipped = mkdtempSync(join(tmpdir(), 'mizan-wasm-'));
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(dist, file), join(shipped, file));
    const empty = mkdtempSync(join(tmpdir(), 'mizan-wasm-empty-'));
    // Act
    const ok = await backendWith(`${shipped}/`);
    const missing = await backendWith(`${empty}/`);
    // Assess
    expect(ok.failed).toBe(false);
    expect(ok.stdout.trim()).toMatch(/wasm/);
    expect(missing.failed).toBe(true);
  }, 120_000);
});
