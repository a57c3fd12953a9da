// One PatchTST encoder layer (post-norm, as src/models/forecasters/patchtst/encoder-block.ts), its
// forward pass and its backward pass, each one call, on T tokens (rows) of width d, grouped in
// sequences of S consecutive rows:
//   qkv = x·[Wq|Wk|Wv] + b;  ctx = softmax(q·kᵀ/√D)·v per sequence and head (D = d/H columns each);
//   h1 = LN1(x + drop1(ctx·Wo + bo));  u = h1·W1 + c1;  out = LN2(h1 + drop3(drop2(GELU(u))·W2 + c2)).
// Dropout masks come from a counter-based hash of (seed, global element index): a row's mask does
// not depend on how the batch is split over threads, and the tfjs ops path draws the same masks
// (hashed-dropout.ts). GELU is exact (x·Φ(x), erf by Abramowitz–Stegun 7.1.26, as tfjs's Erf).
// Parameters and their gradients share one layout (param_offsets below). d and ff are multiples
// of 8, D of 4, S at most 64 (the loader checks). Fixed summation orders: bit-identical run to run.
#include <wasm_simd128.h>
#include "kernel-exp.h"
#include "kernel-heap.h"
#include "kernel-madd.h" // madd4: a·b + c, fused where the CPU has FMA
#include "kernel-dropout.h" // mask4: the hashed dropout masks

typedef v128_t f4;
#define MAX_S 64

#define ADD wasm_f32x4_add
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat
#define LD wasm_v128_load
#define ST wasm_v128_store

// ---- matrix products -------------------------------------------------------------------------

// C[M,N] = (accumulate ? C : bias or 0) + A[M,K]·B[K,N]; N a multiple of 8. Rows in chunks that
// stay in L1 while each 8-column panel of B passes over them; 4×8 register tiles.
static void gemm_nn(int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C, int ldc, const float* bias, int accumulate) {
  int chunk = (4096 / K) & ~3;
  if (chunk < 4) chunk = 4;
  for (int m0 = 0; m0 < M; m0 += chunk) {
    int m1 = m0 + chunk < M ? m0 + chunk : M;
    for (int n = 0; n < N; n += 8) {
      f4 i0 = bias ? LD(bias + n) : SPLAT(0.0f), i1 = bias ? LD(bias + n + 4) : SPLAT(0.0f);
      int m = m0;
      for (; m + 4 <= m1; m += 4) {
        float* c = C + m * ldc + n;
        f4 c00 = i0, c01 = i1, c10 = i0, c11 = i1, c20 = i0, c21 = i1, c30 = i0, c31 = i1;
        if (accumulate) {
          c00 = LD(c), c01 = LD(c + 4), c10 = LD(c + ldc), c11 = LD(c + ldc + 4);
          c20 = LD(c + 2 * ldc), c21 = LD(c + 2 * ldc + 4), c30 = LD(c + 3 * ldc), c31 = LD(c + 3 * ldc + 4);
        }
        const float* a = A + m * lda;
        const float* b = B + n;
        for (int k = 0; k < K; k++, b += ldb) {
          f4 b0 = LD(b), b1 = LD(b + 4);
          f4 x = wasm_v128_load32_splat(a + k);
          c00 = madd4(x, b0, c00), c01 = madd4(x, b1, c01);
          x = wasm_v128_load32_splat(a + lda + k);
          c10 = madd4(x, b0, c10), c11 = madd4(x, b1, c11);
          x = wasm_v128_load32_splat(a + 2 * lda + k);
          c20 = madd4(x, b0, c20), c21 = madd4(x, b1, c21);
          x = wasm_v128_load32_splat(a + 3 * lda + k);
          c30 = madd4(x, b0, c30), c31 = madd4(x, b1, c31);
        }
        ST(c, c00), ST(c + 4, c01), ST(c + ldc, c10), ST(c + ldc + 4, c11);
        ST(c + 2 * ldc, c20), ST(c + 2 * ldc + 4, c21), ST(c + 3 * ldc, c30), ST(c + 3 * ldc + 4, c31);
      }
      for (; m < m1; m++) {
        float* c = C + m * ldc + n;
        f4 c0 = accumulate ? LD(c) : i0, c1 = accumulate ? LD(c + 4) : i1;
        const float* a = A + m * lda;
        const float* b = B + n;
        for (int k = 0; k < K; k++, b += ldb) {
          f4 x = wasm_v128_load32_splat(a + k);
          c0 = madd4(x, LD(b), c0), c1 = madd4(x, LD(b + 4), c1);
        }
        ST(c, c0), ST(c + 4, c1);
      }
    }
  }
}

// C[K,N] += A[M,K]ᵀ·B[M,N] (weight gradients); K a multiple of 4, N of 8. Rows in chunks of 64,
// the sum over rows in row order within a chunk and chunk after chunk.
static void gemm_tn(int M, int K, int N, const float* A, int lda, const float* B, int ldb, float* C, int ldc) {
  for (int m0 = 0; m0 < M; m0 += 64) {
    int m1 = m0 + 64 < M ? m0 + 64 : M;
    for (int k = 0; k < K; k += 4) {
      for (int n = 0; n < N; n += 8) {
        float* c = C + k * ldc + n;
        f4 c00 = LD(c), c01 = LD(c + 4), c10 = LD(c + ldc), c11 = LD(c + ldc + 4);
        f4 c20 = LD(c + 2 * ldc), c21 = LD(c + 2 * ldc + 4), c30 = LD(c + 3 * ldc), c31 = LD(c + 3 * ldc + 4);
        const float* a = A + m0 * lda + k;
        const float* b = B + m0 * ldb + n;
        for (int m = m0; m < m1; m++, a += lda, b += ldb) {
          f4 b0 = LD(b), b1 = LD(b + 4);
          f4 av = LD(a);
          f4 x = wasm_i32x4_shuffle(av, av, 0, 0, 0, 0);
          c00 = madd4(x, b0, c00), c01 = madd4(x, b1, c01);
          x = wasm_i32x4_shuffle(av, av, 1, 1, 1, 1);
          c10 = madd4(x, b0, c10), c11 = madd4(x, b1, c11);
          x = wasm_i32x4_shuffle(av, av, 2, 2, 2, 2);
          c20 = madd4(x, b0, c20), c21 = madd4(x, b1, c21);
          x = wasm_i32x4_shuffle(av, av, 3, 3, 3, 3);
          c30 = madd4(x, b0, c30), c31 = madd4(x, b1, c31);
        }
        ST(c, c00), ST(c + 4, c01), ST(c + ldc, c10), ST(c + ldc + 4, c11);
        ST(c + 2 * ldc, c20), ST(c + 2 * ldc + 4, c21), ST(c + 3 * ldc, c30), ST(c + 3 * ldc + 4, c31);
      }
    }
  }
}

// out[N] += Σ_m X[m, :] in row order (bias gradients); N a multiple of 4.
static void col_sum(int M, int N, const float* X, int ldx, float* out) {
  for (int m = 0; m < M; m++)
    for (int n = 0; n < N; n += 4) ST(out + n, ADD(LD(out + n), LD(X + m * ldx + n)));
}

// dst[N,K] = src[K,N]ᵀ (a weight, for dX = dY·Wᵀ as a plain product), dst rows of stride ldd.
static void transpose(int K, int N, const float* src, int lds, float* dst, int ldd) {
  for (int k = 0; k < K; k++)
    for (int n = 0; n < N; n++) dst[n * ldd + k] = src[k * lds + n];
}

static void zero(float* p, int n) {
  for (int i = 0; i < n; i++) p[i] = 0.0f;
}

// ---- elementwise: exp, GELU ------------------------------------------------------------------

// e^x of one float (the softmax's scalar loop).
static inline float exp1(float x) { return wasm_f32x4_extract_lane(exp4(SPLAT(x)), 0); }

// Φ(u) and φ(u) (the standard normal CDF and density), four lanes.
static inline void normal4(f4 u, f4* cdf, f4* pdf) {
  f4 z = MUL(wasm_f32x4_abs(u), SPLAT(0.70710678118654752f));
  f4 e = exp4(wasm_f32x4_neg(MUL(z, z)));
  f4 t = wasm_f32x4_div(SPLAT(1.0f), ADD(SPLAT(1.0f), MUL(SPLAT(0.3275911f), z)));
  f4 poly = SPLAT(1.061405429f);
  poly = ADD(MUL(poly, t), SPLAT(-1.453152027f));
  poly = ADD(MUL(poly, t), SPLAT(1.421413741f));
  poly = ADD(MUL(poly, t), SPLAT(-0.284496736f));
  poly = ADD(MUL(poly, t), SPLAT(0.254829592f));
  f4 erf_abs = wasm_f32x4_sub(SPLAT(1.0f), MUL(MUL(poly, t), e));
  f4 erf = wasm_v128_bitselect(wasm_f32x4_neg(erf_abs), erf_abs, wasm_f32x4_lt(u, SPLAT(0.0f)));
  *cdf = MUL(SPLAT(0.5f), ADD(SPLAT(1.0f), erf));
  *pdf = MUL(e, SPLAT(0.3989422804014327f));
}

// ---- layer norm ---------------------------------------------------------------------------------

static inline float hsum(f4 v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// r (rows of width d) → x̂ in place, rstd per row, out = x̂·g + b.
static void layer_norm(int T, int d, float* r, float* rstd, const float* g, const float* b, float* out) {
  const float inv = 1.0f / (float)d;
  for (int t = 0; t < T; t++) {
    float* x = r + t * d;
    f4 s = SPLAT(0.0f);
    for (int i = 0; i < d; i += 4) s = ADD(s, LD(x + i));
    f4 mean = SPLAT(hsum(s) * inv);
    f4 v = SPLAT(0.0f);
    for (int i = 0; i < d; i += 4) {
      f4 c = wasm_f32x4_sub(LD(x + i), mean);
      v = madd4(c, c, v);
    }
    f4 rs = wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_sqrt(SPLAT(hsum(v) * inv + 1e-5f)));
    rstd[t] = wasm_f32x4_extract_lane(rs, 0);
    for (int i = 0; i < d; i += 4) {
      f4 xh = MUL(wasm_f32x4_sub(LD(x + i), mean), rs);
      ST(x + i, xh);
      ST(out + t * d + i, ADD(MUL(xh, LD(g + i)), LD(b + i)));
    }
  }
}

// dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), ĝ = dy·g; dg += Σ dy·x̂, db += Σ dy.
static void layer_norm_backward(int T, int d, const float* dy, const float* xhat, const float* rstd, const float* g, float* dx, float* dg, float* db) {
  const float inv = 1.0f / (float)d;
  for (int t = 0; t < T; t++) {
    const float* y = dy + t * d;
    const float* xh = xhat + t * d;
    f4 s1 = SPLAT(0.0f), s2 = SPLAT(0.0f);
    for (int i = 0; i < d; i += 4) {
      f4 gh = MUL(LD(y + i), LD(g + i));
      s1 = ADD(s1, gh);
      s2 = madd4(gh, LD(xh + i), s2);
      ST(dg + i, ADD(LD(dg + i), MUL(LD(y + i), LD(xh + i))));
      ST(db + i, ADD(LD(db + i), LD(y + i)));
    }
    f4 m1 = SPLAT(hsum(s1) * inv), m2 = SPLAT(hsum(s2) * inv), rs = SPLAT(rstd[t]);
    for (int i = 0; i < d; i += 4) {
      f4 gh = MUL(LD(y + i), LD(g + i));
      ST(dx + t * d + i, MUL(rs, wasm_f32x4_sub(wasm_f32x4_sub(gh, m1), MUL(LD(xh + i), m2))));
    }
  }
}

// ---- attention ------------------------------------------------------------------------------------

static inline float dot(const float* a, const float* b, int D) {
  f4 acc = SPLAT(0.0f);
  for (int i = 0; i < D; i += 4) acc = madd4(LD(a + i), LD(b + i), acc);
  return hsum(acc);
}

// out[D] = scale · Σ_j w[j·ws] · rows[j·ld]
static inline void weighted_sum(float* out, const float* w, int ws, const float* rows, int ld, int S, int D, float scale) {
  for (int i = 0; i < D; i += 4) {
    f4 acc = SPLAT(0.0f);
    for (int j = 0; j < S; j++) acc = madd4(SPLAT(w[j * ws]), LD(rows + j * ld + i), acc);
    ST(out + i, MUL(acc, SPLAT(scale)));
  }
}

// ctx and P [sequence, head, S, S] from qkv [T, 3d].
static void attention_forward(int T, int S, int d, int H, const float* qkv, float* ctx, float* P) {
  const int D = d / H, N = T / S, ld = 3 * d;
  const float scale = 1.0f / wasm_f32x4_extract_lane(wasm_f32x4_sqrt(SPLAT((float)D)), 0);
  for (int n = 0; n < N; n++) {
    for (int h = 0; h < H; h++) {
      const float* q = qkv + n * S * ld + h * D;
      const float* k = q + d;
      const float* v = q + 2 * d;
      float* p = P + (n * H + h) * S * S;
      for (int i = 0; i < S; i++) {
        float* row = p + i * S;
        float m = -3.0e38f;
        for (int j = 0; j < S; j++) {
          row[j] = scale * dot(q + i * ld, k + j * ld, D);
          if (row[j] > m) m = row[j];
        }
        float sum = 0.0f;
        for (int j = 0; j < S; j++) {
          row[j] = exp1(row[j] - m);
          sum += row[j];
        }
        for (int j = 0; j < S; j++) row[j] = row[j] / sum;
        weighted_sum(ctx + (n * S + i) * d + h * D, row, 1, v, ld, S, D, 1.0f);
      }
    }
  }
}

// dqkv [T, 3d] from dctx [T, d].
static void attention_backward(int T, int S, int d, int H, const float* qkv, const float* P, const float* dctx, float* dqkv) {
  const int D = d / H, N = T / S, ld = 3 * d;
  const float scale = 1.0f / wasm_f32x4_extract_lane(wasm_f32x4_sqrt(SPLAT((float)D)), 0);
  float ds[MAX_S * MAX_S];
  for (int n = 0; n < N; n++) {
    for (int h = 0; h < H; h++) {
      const float* q = qkv + n * S * ld + h * D;
      const float* k = q + d;
      const float* v = q + 2 * d;
      const float* p = P + (n * H + h) * S * S;
      const float* dout = dctx + n * S * d + h * D;
      float* dq = dqkv + n * S * ld + h * D;
      float* dk = dq + d;
      float* dv = dq + 2 * d;
      for (int j = 0; j < S; j++) weighted_sum(dv + j * ld, p + j, S, dout, d, S, D, 1.0f);
      for (int i = 0; i < S; i++) {
        const float* prow = p + i * S;
        float* drow = ds + i * S;
        float r = 0.0f;
        for (int j = 0; j < S; j++) {
          drow[j] = dot(dout + i * d, v + j * ld, D);
          r += drow[j] * prow[j];
        }
        for (int j = 0; j < S; j++) drow[j] = prow[j] * (drow[j] - r);
      }
      for (int i = 0; i < S; i++) weighted_sum(dq + i * ld, ds + i * S, 1, k, ld, S, D, scale);
      for (int j = 0; j < S; j++) weighted_sum(dk + j * ld, ds + j, S, q, ld, S, D, scale);
    }
  }
}

// ---- the layer ------------------------------------------------------------------------------------

// Offsets (floats) of the parameters, in this order: Wq, Wk, Wv, Wo [d, d]; bq, bk, bv, bo [d];
// gamma1, beta1 [d]; W1 [d, ff]; c1 [ff]; W2 [ff, d]; c2 [d]; gamma2, beta2 [d].
enum { P_WQ, P_WK, P_WV, P_WO, P_BQ, P_BK, P_BV, P_BO, P_G1, P_BE1, P_W1, P_C1, P_W2, P_C2, P_G2, P_BE2, P_END };

static void param_offsets(int d, int ff, int* at) {
  const int sizes[P_END] = {d * d, d * d, d * d, d * d, d, d, d, d, d, d, d * ff, ff, ff * d, d, d, d};
  int o = 0;
  for (int i = 0; i < P_END; i++) at[i] = o, o += sizes[i];
}

EXPORT int param_count(int d, int ff) { return 4 * d * d + 2 * d * ff + 9 * d + ff; }

// Saved activations (floats): x, qkv, P, ctx, x̂1, rstd1, h1, u, x̂2, rstd2.
enum { S_X, S_QKV, S_P, S_CTX, S_XH1, S_RS1, S_H1, S_U, S_XH2, S_RS2, S_END };

static void save_offsets(int T, int S, int d, int H, int ff, int* at) {
  const int sizes[S_END] = {T * d, T * 3 * d, T * H * S, T * d, T * d, T, T * d, T * ff, T * d, T};
  int o = 0;
  for (int i = 0; i < S_END; i++) at[i] = o, o += (sizes[i] + 15) & ~15;
}

EXPORT int save_floats(int T, int S, int d, int H, int ff) {
  int at[S_END];
  save_offsets(T, S, d, H, ff, at);
  return at[S_RS2] + ((T + 15) & ~15);
}

EXPORT int forward_scratch_floats(int T, int ff) { return T * ff; }

// Rows r0..r0+T of x + a·mask (mask width w), in place into a.
static void residual_dropout(int T, int w, const float* x, float* a, u32 seed, u32 row0, float rate, float scale) {
  for (int t = 0; t < T; t++)
    for (int i = 0; i < w; i += 4) {
      f4 av = LD(a + t * w + i);
      if (rate > 0.0f) av = MUL(av, mask4(seed, (row0 + t) * w + i, rate, scale));
      ST(a + t * w + i, ADD(LD(x + t * w + i), av));
    }
}

// x is read from save[S_X] (the caller writes it there); out [T, d]. rate 0: no dropout.
EXPORT void encoder_forward(int T, int S, int d, int H, int ff, const float* p, float* save, float* out, float* scratch, u32 row0, u32 s1, u32 s2, u32 s3, float rate, float scale) {
  int pa[P_END], sa[S_END];
  param_offsets(d, ff, pa);
  save_offsets(T, S, d, H, ff, sa);
  const float* x = save + sa[S_X];
  float* qkv = save + sa[S_QKV];
  for (int c = 0; c < 3; c++) gemm_nn(T, d, d, x, d, p + pa[P_WQ + c], d, qkv + c * d, 3 * d, p + pa[P_BQ + c], 0);
  attention_forward(T, S, d, H, qkv, save + sa[S_CTX], save + sa[S_P]);
  float* r1 = save + sa[S_XH1];
  gemm_nn(T, d, d, save + sa[S_CTX], d, p + pa[P_WO], d, r1, d, p + pa[P_BO], 0);
  residual_dropout(T, d, x, r1, s1, row0, rate, scale);
  float* h1 = save + sa[S_H1];
  layer_norm(T, d, r1, save + sa[S_RS1], p + pa[P_G1], p + pa[P_BE1], h1);
  float* u = save + sa[S_U];
  gemm_nn(T, ff, d, h1, d, p + pa[P_W1], ff, u, ff, p + pa[P_C1], 0);
  float* g = scratch;
  for (int t = 0; t < T; t++)
    for (int i = 0; i < ff; i += 4) {
      f4 uv = LD(u + t * ff + i), cdf, pdf;
      normal4(uv, &cdf, &pdf);
      f4 gv = MUL(uv, cdf);
      if (rate > 0.0f) gv = MUL(gv, mask4(s2, (row0 + t) * ff + i, rate, scale));
      ST(g + t * ff + i, gv);
    }
  float* r2 = save + sa[S_XH2];
  gemm_nn(T, d, ff, g, ff, p + pa[P_W2], d, r2, d, p + pa[P_C2], 0);
  residual_dropout(T, d, h1, r2, s3, row0, rate, scale);
  layer_norm(T, d, r2, save + sa[S_RS2], p + pa[P_G2], p + pa[P_BE2], out);
}

EXPORT int backward_scratch_floats(int T, int d, int ff) { return 2 * T * d + 2 * T * ff + 3 * T * d + 4 * d * d + 2 * d * ff + 64; }

// dx [T, d] and the parameter gradients (overwritten) from dy [T, d] and the forward's save.
EXPORT void encoder_backward(int T, int S, int d, int H, int ff, const float* p, const float* save, const float* dy, float* dx, float* grad, float* scratch, u32 row0, u32 s1, u32 s2, u32 s3, float rate, float scale) {
  int pa[P_END], sa[S_END];
  param_offsets(d, ff, pa);
  save_offsets(T, S, d, H, ff, sa);
  zero(grad, param_count(d, ff));
  float* dA = scratch;
  float* dB = dA + T * d;
  float* gbuf = dB + T * d;
  float* dU = gbuf + T * ff;
  float* dqkv = dU + T * ff;
  float* wt = dqkv + 3 * T * d;  // [3d, d] then [d, ff]ᵀ, [ff, d]ᵀ, [d, d]ᵀ
  float* w2t = wt + 3 * d * d;
  float* w1t = w2t + d * ff;
  float* wot = w1t + ff * d;
  const float* u = save + sa[S_U];
  const float* h1 = save + sa[S_H1];

  // out = LN2(r2): dr2 → dA; r2 = h1 + drop3(f): df → dB.
  layer_norm_backward(T, d, dy, save + sa[S_XH2], save + sa[S_RS2], p + pa[P_G2], dA, grad + pa[P_G2], grad + pa[P_BE2]);
  for (int t = 0; t < T; t++)
    for (int i = 0; i < d; i += 4) {
      f4 v = LD(dA + t * d + i);
      if (rate > 0.0f) v = MUL(v, mask4(s3, (row0 + t) * d + i, rate, scale));
      ST(dB + t * d + i, v);
    }
  // f = drop2(GELU(u))·W2 + c2: recompute drop2(GELU(u)) → gbuf, GELU'(u)·mask2 → dU.
  for (int t = 0; t < T; t++)
    for (int i = 0; i < ff; i += 4) {
      f4 uv = LD(u + t * ff + i), cdf, pdf;
      normal4(uv, &cdf, &pdf);
      f4 gv = MUL(uv, cdf), dv = ADD(cdf, MUL(uv, pdf));
      if (rate > 0.0f) {
        f4 m = mask4(s2, (row0 + t) * ff + i, rate, scale);
        gv = MUL(gv, m), dv = MUL(dv, m);
      }
      ST(gbuf + t * ff + i, gv);
      ST(dU + t * ff + i, dv);
    }
  gemm_tn(T, ff, d, gbuf, ff, dB, d, grad + pa[P_W2], d);
  col_sum(T, d, dB, d, grad + pa[P_C2]);
  transpose(ff, d, p + pa[P_W2], d, w2t, ff);
  gemm_nn(T, ff, d, dB, d, w2t, ff, gbuf, ff, 0, 0);  // d(drop2(GELU(u))) → gbuf
  for (int i = 0; i < T * ff; i += 4) ST(dU + i, MUL(LD(dU + i), LD(gbuf + i)));
  // u = h1·W1 + c1; dh1 = dr2 + du·W1ᵀ (into dA).
  gemm_tn(T, d, ff, h1, d, dU, ff, grad + pa[P_W1], ff);
  col_sum(T, ff, dU, ff, grad + pa[P_C1]);
  transpose(d, ff, p + pa[P_W1], ff, w1t, d);
  gemm_nn(T, d, ff, dU, ff, w1t, d, dA, d, 0, 1);
  // h1 = LN1(r1): dr1 → dB, which is dx's residual part; r1 = x + drop1(a): da → dA.
  layer_norm_backward(T, d, dA, save + sa[S_XH1], save + sa[S_RS1], p + pa[P_G1], dB, grad + pa[P_G1], grad + pa[P_BE1]);
  for (int t = 0; t < T; t++)
    for (int i = 0; i < d; i += 4) {
      f4 v = LD(dB + t * d + i);
      ST(dx + t * d + i, v);
      if (rate > 0.0f) v = MUL(v, mask4(s1, (row0 + t) * d + i, rate, scale));
      ST(dA + t * d + i, v);
    }
  // a = ctx·Wo + bo: dctx → dB.
  gemm_tn(T, d, d, save + sa[S_CTX], d, dA, d, grad + pa[P_WO], d);
  col_sum(T, d, dA, d, grad + pa[P_BO]);
  transpose(d, d, p + pa[P_WO], d, wot, d);
  gemm_nn(T, d, d, dA, d, wot, d, dB, d, 0, 0);
  attention_backward(T, S, d, H, save + sa[S_QKV], save + sa[S_P], dB, dqkv);
  // qkv = x·[Wq|Wk|Wv] + b: dx += dqkv·[Wq|Wk|Wv]ᵀ.
  const float* x = save + sa[S_X];
  for (int c = 0; c < 3; c++) {
    gemm_tn(T, d, d, x, d, dqkv + c * d, 3 * d, grad + pa[P_WQ + c], d);
    col_sum(T, d, dqkv + c * d, 3 * d, grad + pa[P_BQ + c]);
    transpose(d, d, p + pa[P_WQ + c], d, wt + c * d * d, d);
  }
  gemm_nn(T, d, 3 * d, dqkv, 3 * d, wt, d, dx, d, 0, 1);
}
