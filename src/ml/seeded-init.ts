/**
 * Seeded draws for the agents' networks and policies, from our own generator (random.ts): standard
 * normals and orthogonal weight matrices. Plain JS, no TensorFlow.js.
 */
import type { Rng } from './random.ts';

/** A standard normal draw (Box–Muller; 1 − u keeps the log finite). */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * A rows × cols matrix (row-major) with orthonormal columns (or rows, when rows < cols), times
 * `gain`: modified Gram–Schmidt on seeded Gaussian vectors, which is the QR-with-sign-fix of torch's
 * orthogonal_ (a Haar-random orthogonal matrix). Done in JS: tfjs's Orthogonal initialiser warns on
 * any matrix over 2000 elements, and this is seeded by our own generator.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const n = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const vectors: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: n }, () => gaussian(rng));
    for (const u of vectors) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += u[i] * v[i];
      for (let i = 0; i < n; i++) v[i] -= dot * u[i];
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) v[i] /= norm;
    vectors.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? vectors[c][r] : vectors[r][c]);
  }
  return out;
}
