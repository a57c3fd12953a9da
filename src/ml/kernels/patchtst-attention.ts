/**
 * Loader of patchtst-attention.wasm (built from patchtst-attention.c by scripts/build-kernels.sh):
 * softmax(scale·Q·Kᵀ)·V over N tiny sequences and its backward pass, one call each. Stateless:
 * the forward returns the softmax P for the caller to keep for the backward. Results are views of
 * the module's memory, valid until the next call: copy them out at once (tf.tensor does), so no
 * JS-side buffer is allocated per call (those, and their garbage, cost more than the kernel).
 * Loaded synchronously on first use, from beside this file or MIZAN_KERNELS_DIR.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Exports {
  memory: WebAssembly.Memory;
  heap_start(): number;
  ensure_memory(end: number): number;
  attention_forward(N: number, S: number, D: number, scale: number, q: number, k: number, v: number, o: number, p: number): void;
  attention_backward(N: number, S: number, D: number, scale: number, q: number, k: number, v: number, p: number, dout: number, dq: number, dk: number, dv: number): void;
}

/** The longest sequence the kernel takes (its backward keeps an S × S block on the stack). */
export const MAX_SEQUENCE = 64;

export interface AttentionShape {
  /** sequences, their length, and the depth (a multiple of 4) */
  N: number;
  S: number;
  D: number;
}

export class AttentionKernel {
  private readonly base: number;

  constructor(private readonly k: Exports) {
    this.base = k.heap_start();
  }

  forward({ N, S, D }: AttentionShape, scale: number, q: Float32Array, k: Float32Array, v: Float32Array): { out: Float32Array; probs: Float32Array } {
    const at = this.layout([N * S * D, N * S * D, N * S * D, N * S * D, N * S * S]);
    this.write(at[0], q);
    this.write(at[1], k);
    this.write(at[2], v);
    this.k.attention_forward(N, S, D, scale, at[0], at[1], at[2], at[3], at[4]);
    return { out: this.view(at[3], N * S * D), probs: this.view(at[4], N * S * S) };
  }

  backward({ N, S, D }: AttentionShape, scale: number, q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, dOut: Float32Array): { dq: Float32Array; dk: Float32Array; dv: Float32Array } {
    const n = N * S * D;
    const at = this.layout([n, n, n, N * S * S, n, n, n, n]);
    [q, k, v, probs, dOut].forEach((a, i) => this.write(at[i], a));
    this.k.attention_backward(N, S, D, scale, at[0], at[1], at[2], at[3], at[4], at[5], at[6], at[7]);
    return { dq: this.view(at[5], n), dk: this.view(at[6], n), dv: this.view(at[7], n) };
  }

  /** Byte offsets of consecutive float arrays from the heap start, the memory grown to hold them. */
  private layout(sizes: number[]): number[] {
    const at: number[] = [];
    let end = this.base;
    for (const n of sizes) {
      at.push(end);
      end += (n * 4 + 63) & ~63;
    }
    if (!this.k.ensure_memory(end)) throw new Error(`attention kernel: cannot grow its memory to ${end} bytes`);
    return at;
  }

  private write(ptr: number, a: Float32Array): void {
    new Float32Array(this.k.memory.buffer, ptr, a.length).set(a);
  }

  private view(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length);
  }
}

let loaded: AttentionKernel | null | undefined;

/** The kernel, loaded once; null (and a warning, once) when its file cannot be loaded, so callers use tfjs ops. */
export function attentionKernel(): AttentionKernel | null {
  if (loaded !== undefined) return loaded;
  try {
    const path = join(process.env.MIZAN_KERNELS_DIR || dirname(fileURLToPath(import.meta.url)), 'patchtst-attention.wasm');
    loaded = new AttentionKernel(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path))).exports as unknown as Exports);
  } catch (error) {
    console.warn(`attention kernel unavailable, using tfjs ops: ${error instanceof Error ? error.message : String(error)}`);
    loaded = null;
  }
  return loaded;
}
