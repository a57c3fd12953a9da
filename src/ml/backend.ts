/**
 * The one place that picks the TensorFlow.js backend and re-exports `tf`, so every module uses the
 * same engine instance. Order (DESIGN.md): tfjs-node-gpu (the trainer container) > tfjs-node (native,
 * optional dependency) > wasm. The pure-JS 'cpu' backend is never used: it is ~10x slower and would
 * silently make training sizes wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { patchWasmKernels } from './wasm-kernel-patches.ts';

export { tf };

/** tfjs-node and tfjs-node-gpu both register the backend 'tensorflow'. */
export type BackendName = 'tensorflow' | 'wasm';

/** One way to get a backend: `activate` loads and selects it, and returns what it reports (or throws why not). */
export interface BackendCandidate {
  /** The package, as the log names it. */
  label: string;
  backend: BackendName;
  /** Loads the package, selects the backend and returns the active backend's name plus details for the log. */
  activate: () => Promise<{ active: string; detail?: string }>;
}

export interface PickedBackend {
  backend: BackendName;
  label: string;
}

/**
 * Tries the candidates in order and returns the first that activates as the backend it promises; logs one
 * line per candidate (picked, or why not). A candidate that ends up on any other backend (e.g. tfjs
 * quietly falling back to 'cpu') is refused. Throws when none is usable: never the cpu backend.
 */
export async function pickBackend(candidates: readonly BackendCandidate[], log: (line: string) => void = () => {}): Promise<PickedBackend> {
  const reasons: string[] = [];
  for (const candidate of candidates) {
    const reason = await tryCandidate(candidate).then(
      ({ active, detail }) => (active === candidate.backend ? { detail } : `it activated backend '${active}', not '${candidate.backend}'`),
      (error: unknown) => firstLine(error instanceof Error ? error.message : String(error)),
    );
    if (typeof reason === 'string') {
      log(`backend: not ${candidate.label}: ${reason}`);
      reasons.push(`${candidate.label}: ${reason}`);
      continue;
    }
    log(`backend: ${candidate.backend} (${candidate.label}${reason.detail ? `, ${reason.detail}` : ''})`);
    return { backend: candidate.backend, label: candidate.label };
  }
  throw new Error(`no usable TensorFlow.js backend (${reasons.join('; ')}); refusing to fall back to the slow pure-JS cpu backend`);
}

/** Async, so that an `activate` that throws synchronously is reported like one that rejects. */
async function tryCandidate(candidate: BackendCandidate): Promise<{ active: string; detail?: string }> {
  return candidate.activate();
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** A native binding (tfjs-node-gpu or tfjs-node): importing it registers the 'tensorflow' backend. */
export function nativeCandidate(label: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node', importer: (specifier: string) => Promise<unknown> = (s) => import(s)): BackendCandidate {
  return {
    label,
    backend: 'tensorflow',
    activate: async () => {
      try {
        // A variable specifier: neither TypeScript nor esbuild needs the optional package installed.
        await importer(label);
      } catch (error) {
        // "Not installed" only when the package itself is missing, not one of its own dependencies.
        const { code, message } = error as NodeJS.ErrnoException;
        const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${label}'`);
        throw missing ? new Error('not installed', { cause: error }) : error;
      }
      await tf.setBackend('tensorflow');
      return { active: tf.getBackend(), detail: 'native' };
    },
  };
}

export const wasmCandidate: BackendCandidate = {
  label: '@tensorflow/tfjs-backend-wasm',
  backend: 'wasm',
  activate: async () => {
    // The package's own dist dir, so the .wasm files are found from any working directory; a bundle
    // without node_modules (the API Lambda) ships them and names their folder in MIZAN_WASM_DIR.
    const wasmDir = process.env.MIZAN_WASM_DIR || join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')), '/');
    setWasmPaths(wasmDir);
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    if (!ok) throw new Error("setBackend('wasm') returned false");
    patchWasmKernels();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    // tfjs 4.22 disables wasm multithreading under Node (WASM_HAS_MULTITHREAD_SUPPORT is false there).
    return { active: tf.getBackend(), detail: `simd=${String(simd)}, threads=${getThreadsCount()}` };
  },
};

/** The candidates in DESIGN.md's order. */
export const DEFAULT_CANDIDATES: readonly BackendCandidate[] = [
  nativeCandidate('@tensorflow/tfjs-node-gpu'),
  nativeCandidate('@tensorflow/tfjs-node'),
  wasmCandidate,
];

let picked: Promise<BackendName> | undefined;

/** Picks and initialises the backend once; later calls return the same answer (and do not log again). */
export function initBackend(log: (line: string) => void = () => {}): Promise<BackendName> {
  picked ??= pickBackend(DEFAULT_CANDIDATES, log).then(
    (choice) => choice.backend,
    (error: unknown) => {
      picked = undefined; // let a later call retry rather than cache a failure
      throw error;
    },
  );
  return picked;
}
