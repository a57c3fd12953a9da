/**
 * Per-channel standard scaler for [time × channel] feature windows. Fit on the training samples only
 * (DESIGN.md): its statistics come from every day row of every training window. It scales the
 * features only: whether the target is standardised too is the forecaster's config (scaleTarget,
 * models/forecasters/shared/train-forecaster.ts), which un-scales the predictions.
 *
 * The std divides by n (the population std), as the seed's twins do (numpy's .std(), ddof 0, and
 * sklearn's StandardScaler): a standardiser of model inputs fitted on every day row of the training
 * windows (10^4 to 10^6 rows), where n − 1 would change nothing but the match with the twins.
 */

export interface ScalerJson {
  kind: 'standard';
  channels: number;
  mean: number[];
  std: number[];
}

export class StandardScaler {
  private constructor(
    readonly mean: readonly number[],
    readonly std: readonly number[],
  ) {}

  get channels(): number {
    return this.mean.length;
  }

  /**
   * Fits on row-major windows (rows × channels each). A constant channel gets std 1 (no division by 0).
   * Missing values (NaN: a fundamental before a company's first filing) are left out of the statistics.
   */
  static fit(windows: readonly Float32Array[], channels: number): StandardScaler {
    if (windows.length === 0) throw new Error('cannot fit a scaler on no training samples');
    const sum = new Float64Array(channels);
    const sumSq = new Float64Array(channels);
    const rows = new Float64Array(channels);
    for (const w of windows) {
      if (w.length % channels !== 0) throw new Error(`feature window of length ${w.length} is not a multiple of ${channels} channels`);
      for (let i = 0; i < w.length; i += channels) {
        for (let c = 0; c < channels; c++) {
          const v = w[i + c];
          if (Number.isNaN(v)) continue;
          sum[c] += v;
          sumSq[c] += v * v;
          rows[c]++;
        }
      }
    }
    const mean = [...sum].map((s, c) => (rows[c] > 0 ? s / rows[c] : 0));
    const std = [...sumSq].map((s, c) => {
      const variance = rows[c] > 0 ? Math.max(0, s / rows[c] - mean[c] * mean[c]) : 0;
      const sd = Math.sqrt(variance);
      return sd > 1e-12 ? sd : 1;
    });
    return new StandardScaler(mean, std);
  }

  /** A scaled copy of a window. */
  transform(window: Float32Array): Float32Array {
    const out = new Float32Array(window.length);
    this.transformInto(window, out, 0);
    return out;
  }

  /** Writes the scaled window into `out` at `offset` (used to fill batch buffers without copies). A missing value becomes 0: the training mean. */
  transformInto(window: Float32Array, out: Float32Array, offset: number): void {
    const channels = this.mean.length;
    if (window.length % channels !== 0) throw new Error(`feature window of length ${window.length} is not a multiple of ${channels} channels`);
    for (let i = 0; i < window.length; i += channels) {
      for (let c = 0; c < channels; c++) {
        const v = window[i + c];
        out[offset + i + c] = Number.isNaN(v) ? 0 : (v - this.mean[c]) / this.std[c];
      }
    }
  }

  toJSON(): ScalerJson {
    return { kind: 'standard', channels: this.channels, mean: [...this.mean], std: [...this.std] };
  }

  static fromJSON(json: unknown): StandardScaler {
    const j = json as Partial<ScalerJson> | null;
    const ok =
      j?.kind === 'standard' &&
      Array.isArray(j.mean) &&
      Array.isArray(j.std) &&
      j.mean.length === j.channels &&
      j.std.length === j.channels &&
      [...j.mean, ...j.std].every((v) => typeof v === 'number' && Number.isFinite(v)) &&
      j.std.every((v) => v > 0);
    if (!ok) throw new Error('scaler.json is not a valid standard scaler (kind, channels, mean[], std[] > 0)');
    return new StandardScaler([...j.mean!], [...j.std!]);
  }
}
