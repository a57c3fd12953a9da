/**
 * Turns an agent's S+1 logits (S stocks, then cash) into portfolio weights that obey the rules:
 * every weight ≥ 0, each stock ≤ maxStockWeight, cash ≥ minCash, sum 1.
 *
 * 1. Softmax, stable: subtract the largest logit so no exp overflows (±Infinity is clamped to
 *    ±1e30 first, so a huge logit simply takes all the mass).
 * 2. Cap: each stock w_i = min(p_i, cap); the excess goes to cash. Sum still 1, all ≥ 0.
 * 3. Floor cash: if cash < minCash, the stocks hold T = 1 − cash > 1 − minCash ≥ 0, so T > 0;
 *    scale every stock by k = (1 − minCash)/T < 1. Stocks stay ≥ 0 and only shrink (still ≤ cap),
 *    they now sum to 1 − minCash and cash is minCash.
 * Two passes, no iteration, so it always terminates; step 3 cannot break step 2's caps. Any S ≥ 1
 * works: when S·cap < 1 − minCash (e.g. S < 5 at 20 %), step 2 leaves the rest in cash.
 * It is not the Euclidean projection onto the constraint set; it keeps the stocks' relative
 * proportions in step 3, which is what "take the shortfall pro rata" means.
 */
export interface WeightCaps {
  maxStockWeight: number;
  minCash: number;
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  const n = logits.length;
  const clamped = Float64Array.from({ length: n }, (_, i) => {
    const x = logits[i];
    if (Number.isNaN(x)) throw new Error(`logit #${i} is NaN`);
    return Math.min(1e30, Math.max(-1e30, x));
  });
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (clamped[i] > max) max = clamped[i];
  let sum = 0;
  for (let i = 0; i < n; i++) {
    clamped[i] = Math.exp(clamped[i] - max);
    sum += clamped[i];
  }
  for (let i = 0; i < n; i++) clamped[i] /= sum; // sum ≥ 1: the max contributes exp(0)
  return clamped;
}

/** logits: S stock logits then the cash logit. Returns S stock weights then the cash weight. */
export function projectWeights(logits: ArrayLike<number>, caps: WeightCaps): Float64Array {
  if (logits.length < 2) throw new Error('projectWeights needs at least one stock logit and the cash logit');
  const w = softmax(logits);
  const S = w.length - 1;
  capAndFloor(w, S, caps);
  return w;
}

/** Steps 2 and 3 above, in place, on weights that are ≥ 0 and sum to 1 (cash last). */
export function capAndFloor(w: Float64Array, S: number, { maxStockWeight, minCash }: WeightCaps): void {
  let stocks = 0;
  for (let i = 0; i < S; i++) {
    if (w[i] > maxStockWeight) w[i] = maxStockWeight;
    stocks += w[i];
  }
  if (1 - stocks < minCash) {
    const k = Math.min(1, (1 - minCash) / stocks);
    stocks = 0;
    for (let i = 0; i < S; i++) {
      w[i] *= k; // k < 1: rounding cannot lift a product above its (capped) factor
      stocks += w[i];
    }
  }
  // Cash is the rest; max() keeps it ≥ minCash when the stocks' sum rounds a hair above 1 − minCash.
  w[S] = Math.max(minCash, 1 - stocks);
}
