/** The backend order of DESIGN.md (tfjs-node-gpu > tfjs-node > wasm, never cpu), with injected loaders. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANDIDATES, nativeCandidate, pickBackend, type BackendCandidate, type BackendName } from '../../src/ml/backend.ts';

const GPU = '@tensorflow/tfjs-node-gpu';
const NODE = '@tensorflow/tfjs-node';
const WASM = '@tensorflow/tfjs-backend-wasm';

/** Candidates in the default order whose activation succeeds only for the labels in `available`. */
function candidates(available: string[], tried: string[] = []): BackendCandidate[] {
  const fake = (label: string, backend: BackendName): BackendCandidate => ({
    label,
    backend,
    activate: async () => {
      tried.push(label);
      if (!available.includes(label)) throw new Error('not installed');
      return { active: backend };
    },
  });
  return [fake(GPU, 'tensorflow'), fake(NODE, 'tensorflow'), fake(WASM, 'wasm')];
}

describe('pickBackend', () => {
  it('prefers tfjs-node-gpu when it loads, and tries nothing after it', async () => {
    // Prepare
    const tried: string[] = [];
    const lines: string[] = [];
    // Act
    const picked = await pickBackend(candidates([GPU, NODE, WASM], tried), (l) => lines.push(l));
    // Assess
    expect(picked).toEqual({ backend: 'tensorflow', label: GPU });
    expect(tried).toEqual([GPU]);
    expect(lines).toEqual([`backend: tensorflow (${GPU})`]);
  });

  it('takes tfjs-node next, saying why the GPU build was not used', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const picked = await pickBackend(candidates([NODE, WASM]), (l) => lines.push(l));
    // Assess
    expect(picked).toEqual({ backend: 'tensorflow', label: NODE });
    expect(lines).toEqual([`backend: not ${GPU}: not installed`, `backend: tensorflow (${NODE})`]);
  });

  it('falls back to wasm last, one line per candidate', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const picked = await pickBackend(candidates([WASM]), (l) => lines.push(l));
    // Assess
    expect(picked).toEqual({ backend: 'wasm', label: WASM });
    expect(lines).toEqual([`backend: not ${GPU}: not installed`, `backend: not ${NODE}: not installed`, `backend: wasm (${WASM})`]);
  });

  it('throws, naming each reason, when nothing is available: never the cpu backend', async () => {
    // Act
    const outcome = pickBackend(candidates([]));
    // Assess
    await expect(outcome).rejects.toThrow(/no usable TensorFlow.js backend .*tfjs-node-gpu: not installed.*refusing to fall back to the slow pure-JS cpu backend/);
  });

  it('refuses a candidate that loads but leaves tfjs on the cpu backend', async () => {
    // Prepare: a binding that imports fine but registers no backend (tfjs stays on 'cpu').
    const quietFallback: BackendCandidate = { label: GPU, backend: 'tensorflow', activate: async () => ({ active: 'cpu' }) };
    const lines: string[] = [];
    // Act
    const alone = pickBackend([quietFallback], (l) => lines.push(l));
    const withWasm = await pickBackend([quietFallback, ...candidates([WASM]).slice(2)]);
    // Assess
    await expect(alone).rejects.toThrow(/refusing to fall back .*cpu/);
    expect(lines).toEqual([`backend: not ${GPU}: it activated backend 'cpu', not 'tensorflow'`]);
    expect(withWasm.backend).toBe('wasm');
  });
});

describe('the native candidates', () => {
  it('import tfjs-node-gpu, then tfjs-node, by name, and report a missing package as "not installed"', async () => {
    // Prepare: an importer that finds neither package, as on this machine.
    const imported: string[] = [];
    const importer = async (specifier: string) => {
      imported.push(specifier);
      throw Object.assign(new Error(`Cannot find package '${specifier}' imported from backend.ts`), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    const lines: string[] = [];
    // Act
    const outcome = pickBackend([nativeCandidate(GPU, importer), nativeCandidate(NODE, importer)], (l) => lines.push(l));
    // Assess
    await expect(outcome).rejects.toThrow(/no usable/);
    expect(imported).toEqual([GPU, NODE]);
    expect(lines).toEqual([`backend: not ${GPU}: not installed`, `backend: not ${NODE}: not installed`]);
  });

  it('report a broken installation with its own error, not as "not installed"', async () => {
    // Prepare: the package is there but its native library is not (e.g. no libcudnn).
    const importer = async () => {
      throw new Error('libcudnn.so.8: cannot open shared object file: No such file or directory\n    at Module._extensions');
    };
    const lines: string[] = [];
    // Act
    await pickBackend([nativeCandidate(GPU, importer)], (l) => lines.push(l)).catch(() => undefined);
    // Assess
    expect(lines).toEqual([`backend: not ${GPU}: libcudnn.so.8: cannot open shared object file: No such file or directory`]);
  });

  it('come first in the default order, wasm last', () => {
    // Assess
    expect(DEFAULT_CANDIDATES.map((c) => c.label)).toEqual([GPU, NODE, WASM]);
  });
});
