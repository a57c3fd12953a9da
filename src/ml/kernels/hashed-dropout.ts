/**
 * Dropout masks drawn from a counter-based hash of (seed, element index): the same function as the
 * kernels' mask4 (kernel-dropout.h), so a fused kernel and the tfjs ops path drop the same
 * elements, and a row's mask does not depend on how a batch is split over threads. Callers take a
 * fresh seed per training call from a mulberry32 stream: reproducible per run, a new mask per batch.
 * This is the reference (and the fallback where the wasm module cannot load); dropout-mask.ts runs
 * the same hash four lanes at a time.
 */

/** The multiplier of each element of `rows` × `width` from global row `row0`: 1/(1 − rate) (as float32) where kept, else 0. */
export function dropoutMask(seed: number, rows: number, width: number, rate: number, row0 = 0): Float32Array {
  const out = new Float32Array(rows * width);
  const threshold = Math.fround(rate);
  const scale = dropoutScale(rate);
  const start = (row0 * width) >>> 0;
  for (let i = 0; i < out.length; i++) {
    let h = (Math.imul((start + i) >>> 0, 0x9e3779b9) + seed) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    h = Math.imul(h, 0x7feb352d) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
    h = Math.imul(h, 0x846ca68b) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    out[i] = (h >>> 8) / 16777216 >= threshold ? scale : 0;
  }
  return out;
}

/** The multiplier of a kept element: 1/(1 − rate) as a float32 (what the kernels apply). */
export function dropoutScale(rate: number): number {
  return Math.fround(1 / (1 - rate));
}
