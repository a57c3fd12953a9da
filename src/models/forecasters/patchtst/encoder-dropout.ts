/**
 * The encoder layer's dropout masks, drawn from a counter-based hash of (seed, element index) — the
 * same function as patchtst-encoder.c's mask4 — so the fused kernel and the tfjs ops path drop the
 * same elements, and a row's mask does not depend on how a batch is split over threads. Each
 * training call takes fresh seeds from the layer's mulberry32 streams: reproducible per run, a new
 * mask per batch.
 */

/** The multiplier of each element of `rows` × `width` from global row `row0`: 1/(1 − rate) (as float32) where kept, else 0. */
export function dropoutMask(seed: number, rows: number, width: number, rate: number, row0 = 0): Float32Array {
  const out = new Float32Array(rows * width);
  const threshold = Math.fround(rate);
  const scale = Math.fround(1 / (1 - rate));
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
