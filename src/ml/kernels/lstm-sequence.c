// A whole-sequence LSTM layer (Keras/tfjs gate order i, f, g, o; sigmoid gates, tanh cell; zero
// initial state): the forward pass over every time step in one call and backpropagation through
// time in one call, so that tfjs dispatches two ops per layer instead of ~1,000 small ones.
// Tensors are row-major float32 and time-major inside ([T, B, ·]); the loader converts.
// Every sum runs in a fixed order, so a call is bit-identical run to run.
#include <wasm_simd128.h>

typedef v128_t f4;
#include "kernel-heap.h" // heap_start, ensure_memory: the loader's memory glue
#include "kernel-exp.h"  // exp4, the kernels' one e^x
#include "kernel-madd.h" // madd4: a·b + c, fused where the CPU has FMA

// ---- activations (vectorised) ------------------------------------------------------------------
static inline f4 sigmoid4(f4 x) {
  f4 one = wasm_f32x4_splat(1.0f);
  return wasm_f32x4_div(one, wasm_f32x4_add(one, exp4(wasm_f32x4_neg(x))));
}

// tanh: an odd series near 0 (where 1 − 2/(e^2x + 1) would lose relative precision), else that form.
static inline f4 tanh4(f4 x) {
  f4 one = wasm_f32x4_splat(1.0f);
  f4 big = wasm_f32x4_sub(one, wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(exp4(wasm_f32x4_add(x, x)), one)));
  f4 x2 = wasm_f32x4_mul(x, x);
  f4 s = wasm_f32x4_splat(62.0f / 2835.0f);
  s = wasm_f32x4_sub(wasm_f32x4_mul(s, x2), wasm_f32x4_splat(17.0f / 315.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), wasm_f32x4_splat(2.0f / 15.0f));
  s = wasm_f32x4_sub(wasm_f32x4_mul(s, x2), wasm_f32x4_splat(1.0f / 3.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, x2), one);
  f4 small = wasm_f32x4_mul(s, x);
  return wasm_v128_bitselect(small, big, wasm_f32x4_lt(wasm_f32x4_abs(x), wasm_f32x4_splat(0.25f)));
}

// ---- C[M,N] += A·B with A(r,k) = A[r*ars + k*aks] (so A or its transpose), B and C row-major ------
static void matmul_block(int M, int N, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc) {
  int r = 0;
  for (; r + 4 <= M; r += 4) {
    const float* a0 = A + r * ars;
    int c = 0;
    for (; c + 8 <= N; c += 8) {
      float* c0 = C + r * ldc + c;
      f4 s00 = wasm_v128_load(c0), s01 = wasm_v128_load(c0 + 4);
      f4 s10 = wasm_v128_load(c0 + ldc), s11 = wasm_v128_load(c0 + ldc + 4);
      f4 s20 = wasm_v128_load(c0 + 2 * ldc), s21 = wasm_v128_load(c0 + 2 * ldc + 4);
      f4 s30 = wasm_v128_load(c0 + 3 * ldc), s31 = wasm_v128_load(c0 + 3 * ldc + 4);
      const float* b = B + c;
      const float* a = a0;
      for (int k = 0; k < K; k++, b += ldb, a += aks) {
        f4 b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        f4 x0 = wasm_f32x4_splat(a[0]), x1 = wasm_f32x4_splat(a[ars]);
        f4 x2 = wasm_f32x4_splat(a[2 * ars]), x3 = wasm_f32x4_splat(a[3 * ars]);
        s00 = madd4(x0, b0, s00); s01 = madd4(x0, b1, s01);
        s10 = madd4(x1, b0, s10); s11 = madd4(x1, b1, s11);
        s20 = madd4(x2, b0, s20); s21 = madd4(x2, b1, s21);
        s30 = madd4(x3, b0, s30); s31 = madd4(x3, b1, s31);
      }
      wasm_v128_store(c0, s00); wasm_v128_store(c0 + 4, s01);
      wasm_v128_store(c0 + ldc, s10); wasm_v128_store(c0 + ldc + 4, s11);
      wasm_v128_store(c0 + 2 * ldc, s20); wasm_v128_store(c0 + 2 * ldc + 4, s21);
      wasm_v128_store(c0 + 3 * ldc, s30); wasm_v128_store(c0 + 3 * ldc + 4, s31);
    }
    for (; c < N; c++) {
      for (int i = 0; i < 4; i++) {
        const float* a = a0 + i * ars;
        float s = C[(r + i) * ldc + c];
        for (int k = 0; k < K; k++) s += a[k * aks] * B[k * ldb + c];
        C[(r + i) * ldc + c] = s;
      }
    }
  }
  for (; r < M; r++) {
    const float* a0 = A + r * ars;
    int c = 0;
    for (; c + 4 <= N; c += 4) {
      float* c0 = C + r * ldc + c;
      f4 s = wasm_v128_load(c0);
      for (int k = 0; k < K; k++) s = madd4(wasm_f32x4_splat(a0[k * aks]), wasm_v128_load(B + k * ldb + c), s);
      wasm_v128_store(c0, s);
    }
    for (; c < N; c++) {
      float s = C[r * ldc + c];
      for (int k = 0; k < K; k++) s += a0[k * aks] * B[k * ldb + c];
      C[r * ldc + c] = s;
    }
  }
}

// In slices of 256 along K, so that the slice of B stays in cache across the blocks of C; each C
// element still sums its products in k order.
static void matmul_acc(int M, int N, int K, const float* A, int ars, int aks, const float* B, int ldb, float* C, int ldc) {
  for (int k0 = 0; k0 < K; k0 += 256) {
    int kc = K - k0 < 256 ? K - k0 : 256;
    matmul_block(M, N, kc, A + (long)k0 * aks, ars, aks, B + (long)k0 * ldb, ldb, C, ldc);
  }
}

// Rows of dz per slice of the weight-gradient pass (64 KiB of dz at 4H = 256).
#define WG_SLICE 64

static void zero(float* p, long n) {
  for (long i = 0; i < n; i++) p[i] = 0.0f;
}

// [B, T, F] <-> [T, B, F]
EXPORT void batch_to_time(const float* in, int B, int T, int F, float* out) {
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      for (int f = 0; f < F; f++) out[((long)t * B + b) * F + f] = in[((long)b * T + t) * F + f];
}
// [T, B, ld] (the first F of every ld) → [B, T, F]
EXPORT void time_to_batch(const float* in, int T, int B, int F, int ld, float* out) {
  for (int t = 0; t < T; t++)
    for (int b = 0; b < B; b++)
      for (int f = 0; f < F; f++) out[((long)b * T + t) * F + f] = in[((long)t * B + b) * ld + f];
}

// z[M,N] = bias + A1·B1 + A2·B2 (A1 [M,K1], A2 [M,K2], B1 [K1,N], B2 [K2,N], all row-major; N a
// multiple of 8): one step's gate inputs x_t·W + h_{t−1}·U in one pass, the C block in registers from
// the bias to the end. Each element sums bias, then the K1 terms, then the K2 terms, in k order.
static void gate_inputs(int M, int N, const float* bias, int K1, const float* A1, const float* B1,
                        int K2, const float* A2, const float* B2, float* z) {
#define GI_SUM(K, A, lda, Bm)                                                                          \
  for (int k = 0; k < K; k++) {                                                                        \
    const float* b = Bm + (long)k * N + c;                                                             \
    const float* a = A + (long)r * lda + k;                                                            \
    f4 b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);                                             \
    f4 x0 = wasm_f32x4_splat(a[0]), x1 = wasm_f32x4_splat(a[lda]);                                     \
    f4 x2 = wasm_f32x4_splat(a[2 * lda]), x3 = wasm_f32x4_splat(a[3 * lda]);                           \
    s00 = madd4(x0, b0, s00); s01 = madd4(x0, b1, s01); \
    s10 = madd4(x1, b0, s10); s11 = madd4(x1, b1, s11); \
    s20 = madd4(x2, b0, s20); s21 = madd4(x2, b1, s21); \
    s30 = madd4(x3, b0, s30); s31 = madd4(x3, b1, s31); \
  }
  int r = 0;
  for (; r + 4 <= M; r += 4) {
    for (int c = 0; c < N; c += 8) {
      f4 s00 = wasm_v128_load(bias + c), s01 = wasm_v128_load(bias + c + 4);
      f4 s10 = s00, s11 = s01, s20 = s00, s21 = s01, s30 = s00, s31 = s01;
      GI_SUM(K1, A1, K1, B1)
      GI_SUM(K2, A2, K2, B2)
      float* c0 = z + (long)r * N + c;
      wasm_v128_store(c0, s00); wasm_v128_store(c0 + 4, s01);
      wasm_v128_store(c0 + N, s10); wasm_v128_store(c0 + N + 4, s11);
      wasm_v128_store(c0 + 2 * N, s20); wasm_v128_store(c0 + 2 * N + 4, s21);
      wasm_v128_store(c0 + 3 * N, s30); wasm_v128_store(c0 + 3 * N + 4, s31);
    }
  }
#undef GI_SUM
  for (; r < M; r++) {
    for (int c = 0; c < N; c += 4) {
      f4 s = wasm_v128_load(bias + c);
      for (int k = 0; k < K1; k++) s = madd4(wasm_f32x4_splat(A1[(long)r * K1 + k]), wasm_v128_load(B1 + (long)k * N + c), s);
      for (int k = 0; k < K2; k++) s = madd4(wasm_f32x4_splat(A2[(long)r * K2 + k]), wasm_v128_load(B2 + (long)k * N + c), s);
      wasm_v128_store(z + (long)r * N + c, s);
    }
  }
}

// Applies the gates to z = [zi, zf, zg, zo] (one row of 4H) in place (→ i, f, g, o activated), and
// from the cell c0 (H) gives the new cell c (H; may be c0 itself), its tanh tc (H, for the backward
// pass) and the hidden state h (H). H is a multiple of 4 (the loader checks).
static inline void gate_vec(float* z, const float* c0, float* c, float* tc, float* h, int H, int j) {
  f4 i = sigmoid4(wasm_v128_load(z + j));
  f4 f = sigmoid4(wasm_v128_load(z + H + j));
  f4 g = tanh4(wasm_v128_load(z + 2 * H + j));
  f4 o = sigmoid4(wasm_v128_load(z + 3 * H + j));
  f4 cn = wasm_f32x4_add(wasm_f32x4_mul(f, wasm_v128_load(c0 + j)), wasm_f32x4_mul(i, g));
  wasm_v128_store(z + j, i); wasm_v128_store(z + H + j, f); wasm_v128_store(z + 2 * H + j, g); wasm_v128_store(z + 3 * H + j, o);
  f4 tcn = tanh4(cn);
  wasm_v128_store(c + j, cn);
  wasm_v128_store(tc + j, tcn);
  wasm_v128_store(h + j, wasm_f32x4_mul(o, tcn));
}

// Two groups of 4 units per iteration: each group is one long chain of dependent operations (exp,
// divide, the cell, its tanh), and two side by side keep the core busy.
static void gate_row(float* z, const float* c0, float* c, float* tc, float* h, int H) {
  int j = 0;
  for (; j + 8 <= H; j += 8) {
    f4 i0 = sigmoid4(wasm_v128_load(z + j)), i1 = sigmoid4(wasm_v128_load(z + j + 4));
    f4 f0 = sigmoid4(wasm_v128_load(z + H + j)), f1 = sigmoid4(wasm_v128_load(z + H + j + 4));
    f4 g0 = tanh4(wasm_v128_load(z + 2 * H + j)), g1 = tanh4(wasm_v128_load(z + 2 * H + j + 4));
    f4 o0 = sigmoid4(wasm_v128_load(z + 3 * H + j)), o1 = sigmoid4(wasm_v128_load(z + 3 * H + j + 4));
    f4 cn0 = wasm_f32x4_add(wasm_f32x4_mul(f0, wasm_v128_load(c0 + j)), wasm_f32x4_mul(i0, g0));
    f4 cn1 = wasm_f32x4_add(wasm_f32x4_mul(f1, wasm_v128_load(c0 + j + 4)), wasm_f32x4_mul(i1, g1));
    wasm_v128_store(z + j, i0); wasm_v128_store(z + j + 4, i1);
    wasm_v128_store(z + H + j, f0); wasm_v128_store(z + H + j + 4, f1);
    wasm_v128_store(z + 2 * H + j, g0); wasm_v128_store(z + 2 * H + j + 4, g1);
    wasm_v128_store(z + 3 * H + j, o0); wasm_v128_store(z + 3 * H + j + 4, o1);
    f4 t0 = tanh4(cn0), t1 = tanh4(cn1);
    wasm_v128_store(c + j, cn0); wasm_v128_store(c + j + 4, cn1);
    wasm_v128_store(tc + j, t0); wasm_v128_store(tc + j + 4, t1);
    wasm_v128_store(h + j, wasm_f32x4_mul(o0, t0)); wasm_v128_store(h + j + 4, wasm_f32x4_mul(o1, t1));
  }
  if (j < H) gate_vec(z, c0, c, tc, h, H, j);
}

// Forward. x [T,B,I], W [I,4H], U [H,4H], bias [4H] → hs [T,B,H]. With keep = 1, gates [T,B,4H],
// cs and tcs [T,B,H] (cells, their tanh) receive every step (for lstm_backward); with keep = 0 they
// are one step long (gates [B,4H], cs and tcs [B,H]) and reused.
EXPORT void lstm_forward(int T, int B, int I, int H, const float* x, const float* W, const float* U, const float* bias,
                  float* hs, float* cs, float* tcs, float* gates, int keep) {
  int G = 4 * H;
  long BH = (long)B * H;
  zero(cs, BH);
  for (int t = 0; t < T; t++) {
    float* z = gates + (keep ? (long)t * B * G : 0);
    float* c = cs + (keep ? (long)t * BH : 0);
    float* tc = tcs + (keep ? (long)t * BH : 0);
    // The previous cell: the step before's (zeros at t = 0, which cs holds then), or c itself when one step long.
    const float* c0 = keep && t > 0 ? c - BH : c;
    gate_inputs(B, G, bias, I, x + (long)t * B * I, W, t > 0 ? H : 0, hs + (long)(t > 0 ? t - 1 : 0) * BH, U, z);
    float* h = hs + (long)t * BH;
    for (int b = 0; b < B; b++) gate_row(z + b * G, c0 + b * H, c + b * H, tc + b * H, h + b * H, H);
  }
}

// Backpropagation through time for one lstm_forward(keep = 1). dhs [T,B,H] is the gradient of the
// loss w.r.t. every hs (zeros where a step is not an output). Writes dhx [T,B,L] (L = H + Ip, Ip = I
// rounded up to 8): row (t, b) holds, in columns H.., the gradient of x_t (columns H+I.. zero) and,
// in columns ..H, that of h_{t−1} (scratch); and dW, dU, dbias (overwritten).
// Scratch: dz [T,B,4H], dh0 [B,L] (zeros: no gradient flows into the last step), dc [B,H],
// UWt [4H,L] (Uᵀ beside Wᵀ, so that one product per step gives both gradients).
// Each gradient element sums its terms in the same order as a product per step and then per
// weight would: dhx per step over the 4H gate columns; dW, dU, dbias over the rows (t, b) in order.
EXPORT void lstm_backward(int T, int B, int I, int H, const float* x, const float* W, const float* U,
                   const float* hs, const float* cs, const float* tcs, const float* gates, const float* dhs,
                   float* dhx, float* dW, float* dU, float* dbias,
                   float* dz, float* dh0, float* dc, float* UWt) {
  int G = 4 * H;
  long BH = (long)B * H;
  int Ip = (I + 7) & ~7;
  int L = H + Ip;
  for (int g = 0; g < G; g++) {
    for (int j = 0; j < H; j++) UWt[g * L + j] = U[j * G + g];
    for (int j = 0; j < Ip; j++) UWt[g * L + H + j] = j < I ? W[j * G + g] : 0.0f;
  }
  zero(dh0, (long)B * L);
  zero(dc, BH);
  zero(dhx, (long)T * B * L);
  f4 one = wasm_f32x4_splat(1.0f);
  for (int t = T - 1; t >= 0; t--) {
    const float* gt = gates + (long)t * B * G;
    const float* ct = cs + (long)t * BH;
    const float* tct = tcs + (long)t * BH;
    const float* dht = dhs + (long)t * BH;
    // The gradient of h_t from step t + 1 (its columns ..H).
    const float* dhn = t == T - 1 ? dh0 : dhx + (long)(t + 1) * B * L;
    float* dzt = dz + (long)t * B * G;
    for (int b = 0; b < B; b++) {
      const float* z = gt + b * G;
      float* d = dzt + b * G;
      for (int j = 0; j < H; j += 4) {
        long n = (long)b * H + j;
        f4 i = wasm_v128_load(z + j), f = wasm_v128_load(z + H + j), g = wasm_v128_load(z + 2 * H + j), o = wasm_v128_load(z + 3 * H + j);
        f4 cp = t > 0 ? wasm_v128_load(ct - BH + n) : wasm_f32x4_splat(0.0f);
        f4 tc = wasm_v128_load(tct + n);
        f4 dhv = wasm_f32x4_add(wasm_v128_load(dhn + (long)b * L + j), wasm_v128_load(dht + n));
        f4 dcv = wasm_f32x4_add(wasm_v128_load(dc + n), wasm_f32x4_mul(wasm_f32x4_mul(dhv, o), wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
        f4 dzi = wasm_f32x4_mul(wasm_f32x4_mul(dcv, g), wasm_f32x4_mul(i, wasm_f32x4_sub(one, i)));
        f4 dzf = wasm_f32x4_mul(wasm_f32x4_mul(dcv, cp), wasm_f32x4_mul(f, wasm_f32x4_sub(one, f)));
        f4 dzg = wasm_f32x4_mul(wasm_f32x4_mul(dcv, i), wasm_f32x4_sub(one, wasm_f32x4_mul(g, g)));
        f4 dzo = wasm_f32x4_mul(wasm_f32x4_mul(dhv, tc), wasm_f32x4_mul(o, wasm_f32x4_sub(one, o)));
        wasm_v128_store(d + j, dzi); wasm_v128_store(d + H + j, dzf); wasm_v128_store(d + 2 * H + j, dzg); wasm_v128_store(d + 3 * H + j, dzo);
        wasm_v128_store(dc + n, wasm_f32x4_mul(dcv, f));
      }
    }
    // [dh_{t−1} | dx_t] = dz_t · [Uᵀ | Wᵀ] while dz_t is in cache (step 0: dx_0 only).
    float* out = dhx + (long)t * B * L;
    if (t > 0) matmul_acc(B, L, G, dzt, G, 1, UWt, L, out, L);
    else matmul_acc(B, Ip, G, dzt, G, 1, UWt + H, L, out + H, L);
  }
  // dW = Σ xᵀ dz over every row (t, b); dU = Σ h_{t−1}ᵀ dz_t (rows of steps 1..T−1 against the hidden
  // states of steps 0..T−2); dbias = Σ dz. One pass over dz in slices that stay in cache for all three.
  long rows = (long)T * B;
  zero(dW, (long)I * G);
  zero(dU, (long)H * G);
  for (int g = 0; g < G; g++) dbias[g] = 0.0f;
  for (long r0 = 0; r0 < rows; r0 += WG_SLICE) {
    int kc = rows - r0 < WG_SLICE ? (int)(rows - r0) : WG_SLICE;
    matmul_block(I, G, kc, x + r0 * I, 1, I, dz + r0 * G, G, dW, G);
    long lo = r0 < B ? B : r0;
    if (lo < r0 + kc) matmul_block(H, G, (int)(r0 + kc - lo), hs + (lo - B) * H, 1, H, dz + lo * G, G, dU, G);
    for (long r = r0; r < r0 + kc; r++)
      for (int g = 0; g < G; g += 4) wasm_v128_store(dbias + g, wasm_f32x4_add(wasm_v128_load(dbias + g), wasm_v128_load(dz + r * G + g)));
  }
}
