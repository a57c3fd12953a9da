/**
 * The wasm side of a kernel's memory (kernel-heap.h exports it): loading a module synchronously
 * (tfjs kernels are synchronous), and regions of its linear memory handed out to calls. A training
 * forward holds its region (parameters and saved activations) until its backward or release; the
 * generation count makes a second backward or a release after reuse an error, not a silent read of
 * another pass's data.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What kernel-heap.h exports. */
export interface HeapExports {
  memory: WebAssembly.Memory;
  /** The first free byte, 64-aligned. */
  heap_start(): number;
  /** Grows the memory to hold `end` bytes; 0 when it cannot. */
  ensure_memory(end: number): number;
}

export interface Region {
  ptr: number;
  bytes: number;
  busy: boolean;
  generation: number;
}

/** A region held by a training forward for its backward. */
export interface HeldRegion {
  readonly region: Region;
  readonly generation: number;
}

const F32 = 4;

/** Bytes of `floats` float32s, rounded up to a 64-byte boundary (a cache line; SIMD rows stay aligned). */
export function alignedBytes(floats: number): number {
  return (floats * F32 + 63) & ~63;
}

/** Byte offsets of consecutive float32 arrays (each 64-byte aligned) and their total. */
export function byteLayout<K extends string>(sizes: Record<K, number>): { at: Record<K, number>; bytes: number } {
  const at = {} as Record<K, number>;
  let bytes = 0;
  for (const name of Object.keys(sizes) as K[]) {
    at[name] = bytes;
    bytes += alignedBytes(sizes[name]);
  }
  return { at, bytes };
}

/** A bump allocator over the module's memory whose freed regions are reused (smallest that fits). */
export class KernelHeap {
  private readonly regions: Region[] = [];
  private top: number;

  /** `name` for error messages. */
  constructor(private readonly k: HeapExports, private readonly name: string) {
    this.top = k.heap_start();
  }

  /** The smallest free region that fits, or a new one at the top of the memory. */
  acquire(bytes: number): Region {
    let best: Region | undefined;
    for (const r of this.regions) if (!r.busy && r.bytes >= bytes && (!best || r.bytes < best.bytes)) best = r;
    if (!best) {
      const size = (bytes + 63) & ~63;
      if (!this.k.ensure_memory(this.top + size)) throw new Error(`${this.name}: cannot grow its memory to ${this.top + size} bytes`);
      best = { ptr: this.top, bytes: size, busy: false, generation: 0 };
      this.top += size;
      this.regions.push(best);
    }
    best.busy = true;
    return best;
  }

  free(region: Region): void {
    region.busy = false;
    region.generation++;
  }

  /** Keeps a busy region for a later backward. */
  hold(region: Region): HeldRegion {
    region.generation++;
    return { region, generation: region.generation };
  }

  /** The held region, unless its pass was already backpropagated or released. */
  claim(held: HeldRegion): Region {
    if (!held.region.busy || held.region.generation !== held.generation) throw new Error(`${this.name}: this forward pass was already backpropagated or released`);
    return held.region;
  }

  /** Frees a held region (a no-op when its backward already did). */
  release(held: HeldRegion): void {
    if (held.region.generation === held.generation) this.free(held.region);
  }

  /** A fresh view: growing the memory detaches the old ones. */
  view(ptr: number, length: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, ptr, length);
  }
}

/** A kernel file's path: beside this file, or in MIZAN_KERNELS_DIR for a bundle that moves them. */
export function kernelFilePath(file: string): string {
  return join(process.env.MIZAN_KERNELS_DIR || dirname(fileURLToPath(import.meta.url)), file);
}

/** Instantiates a module synchronously; its exports as the kernel declares them. */
export function instantiateKernel<E extends HeapExports>(path: string): E {
  return new WebAssembly.Instance(compileKernel(path)).exports as unknown as E;
}

/**
 * Compiles a kernel file synchronously (every kernel's module is compiled here). The LSTM and
 * PatchTST kernels use relaxed SIMD's madd (kernel-madd.h), which Node 20's V8 compiles only behind
 * a flag (V8 11.4 shipped it): when a module does not compile, the flag is set and it compiles again.
 * The flag is process-wide, so the workers' modules compile with it too.
 */
export function compileKernel(path: string): WebAssembly.Module {
  const bytes = readFileSync(path);
  try {
    return new WebAssembly.Module(bytes);
  } catch (error) {
    if (!(error instanceof WebAssembly.CompileError)) throw error;
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    return new WebAssembly.Module(bytes);
  }
}
