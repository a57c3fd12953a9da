/**
 * The one place that picks the TensorFlow.js backend and re-exports `tf`, so every module uses the
 * same engine instance. Order (DESIGN.md): tfjs-node (native, optional dependency) > wasm. The pure-JS
 * 'cpu' backend is never used: it is ~10x slower and would silently make training sizes wrong.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { patchWasmKernels } from './wasm-kernel-patches.ts';

export { tf };

export type BackendName = 'tensorflow' | 'wasm';

let picked: Promise<BackendName> | undefined;

/** Picks and initialises the backend once; later calls return the same answer (and do not log again). */
export function initBackend(log: (line: string) => void = () => {}): Promise<BackendName> {
  picked ??= pickBackend(log).catch((error: unknown) => {
    picked = undefined; // let a later call retry rather than cache a failure
    throw error;
  });
  return picked;
}

async function pickBackend(log: (line: string) => void): Promise<BackendName> {
  if (await tryTfjsNode()) {
    log('backend: tensorflow (@tensorflow/tfjs-node, native)');
    return 'tensorflow';
  }
  const wasmError = await tryWasm();
  if (wasmError === undefined) {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    // tfjs 4.22 disables wasm multithreading under Node (WASM_HAS_MULTITHREAD_SUPPORT is false there).
    log(`backend: wasm (@tensorflow/tfjs-backend-wasm, simd=${String(simd)}, threads=${getThreadsCount()})`);
    return 'wasm';
  }
  throw new Error(
    `no usable TensorFlow.js backend: @tensorflow/tfjs-node is not installed and wasm failed (${wasmError}); ` +
      'refusing to fall back to the slow pure-JS cpu backend',
  );
}

async function tryTfjsNode(): Promise<boolean> {
  try {
    // A variable specifier keeps TypeScript from requiring the optional package's types.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
    return (await tf.setBackend('tensorflow')) && tf.getBackend() === 'tensorflow';
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    // Point at the package's own dist dir so the .wasm files are found from any working directory.
    const require = createRequire(import.meta.url);
    const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(join(distDir, '/'));
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    patchWasmKernels();
    return ok && tf.getBackend() === 'wasm' ? undefined : `setBackend('wasm') returned ${String(ok)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
