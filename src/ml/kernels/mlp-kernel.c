// Small dense networks (the agents' 64×64 MLPs, batch 64) trained without tfjs's per-op dispatch:
// dense forward, its two backward products, tanh / ReLU and their derivatives, squared norm and Adam,
// all on float32 arrays in this module's own memory. The caller (mlp-kernel.ts) owns the layout and
// calls these per layer; every loop runs in a fixed order, so results are bit-identical run to run.
// Layouts are row-major as tfjs: x [n × in], w [in × out], y [n × out].
#include <wasm_simd128.h>

typedef unsigned int u32;
#define EXPORT __attribute__((visibility("default")))

extern unsigned char __heap_base;
static u32 heap_top = 0;

// Bump allocator, 16-byte aligned; memory is never freed (a module instance serves one trainer).
EXPORT void *alloc(u32 bytes) {
  if (heap_top == 0) heap_top = (u32)&__heap_base;
  u32 start = (heap_top + 15u) & ~15u;
  u32 end = start + bytes;
  u32 have = __builtin_wasm_memory_size(0) * 65536u;
  if (end > have) {
    u32 pages = (end - have + 65535u) / 65536u;
    if (__builtin_wasm_memory_grow(0, pages) == (u32)-1) return 0;
  }
  heap_top = end;
  return (void *)start;
}

// y[r, j] = b[j] + Σ_k x[r, k]·w[k, j] (b may be null: zero). Tiles of 4 rows × 8 columns keep
// 8 accumulators in registers (more spill: V8 has 15 vector registers); the inner loop walks
// pointers rather than indices (~5 % faster under V8); the remaining rows and columns take the scalar path.
EXPORT void dense_forward(const float *x, const float *w, const float *b, float *y, int n, int in, int out) {
  int out8 = out & ~7, n4 = n & ~3;
  for (int r = 0; r < n4; r += 4) {
    for (int j = 0; j < out8; j += 8) {
      v128_t b0 = b ? wasm_v128_load(b + j) : wasm_f32x4_splat(0), b1 = b ? wasm_v128_load(b + j + 4) : wasm_f32x4_splat(0);
      v128_t a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      const float *xk = x + r * in, *wk = w + j, *end = xk + in;
      for (; xk < end; xk++, wk += out) {
        v128_t w0 = wasm_v128_load(wk), w1 = wasm_v128_load(wk + 4);
        v128_t s0 = wasm_v128_load32_splat(xk), s1 = wasm_v128_load32_splat(xk + in), s2 = wasm_v128_load32_splat(xk + 2 * in), s3 = wasm_v128_load32_splat(xk + 3 * in);
        a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s0, w0)); a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s0, w1));
        a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s1, w0)); a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s1, w1));
        a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s2, w0)); a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s2, w1));
        a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s3, w0)); a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s3, w1));
      }
      float *y0 = y + r * out + j;
      wasm_v128_store(y0, a00); wasm_v128_store(y0 + 4, a01);
      wasm_v128_store(y0 + out, a10); wasm_v128_store(y0 + out + 4, a11);
      wasm_v128_store(y0 + 2 * out, a20); wasm_v128_store(y0 + 2 * out + 4, a21);
      wasm_v128_store(y0 + 3 * out, a30); wasm_v128_store(y0 + 3 * out + 4, a31);
    }
  }
  // The last n % 4 rows (one env's act() is one row): one row × 8 columns at a time.
  for (int r = n4; r < n; r++) {
    const float *xr = x + r * in;
    for (int j = 0; j < out8; j += 8) {
      v128_t a0 = b ? wasm_v128_load(b + j) : wasm_f32x4_splat(0), a1 = b ? wasm_v128_load(b + j + 4) : wasm_f32x4_splat(0);
      const float *wk = w + j;
      for (int k = 0; k < in; k++, wk += out) {
        v128_t s = wasm_v128_load32_splat(xr + k);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s, wasm_v128_load(wk)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s, wasm_v128_load(wk + 4)));
      }
      wasm_v128_store(y + r * out + j, a0);
      wasm_v128_store(y + r * out + j + 4, a1);
    }
  }
  // The last out % 8 columns (a critic's single output): four rows' sums side by side, so that
  // the additions do not wait on each other; each sum still runs over k in order.
  for (int j = out8; j < out; j++) {
    float bj = b ? b[j] : 0.0f;
    int r = 0;
    for (; r < n4; r += 4) {
      const float *x0 = x + r * in;
      float s0 = bj, s1 = bj, s2 = bj, s3 = bj;
      for (int k = 0; k < in; k++) {
        float wk = w[k * out + j];
        s0 += x0[k] * wk;
        s1 += x0[in + k] * wk;
        s2 += x0[2 * in + k] * wk;
        s3 += x0[3 * in + k] * wk;
      }
      y[r * out + j] = s0;
      y[(r + 1) * out + j] = s1;
      y[(r + 2) * out + j] = s2;
      y[(r + 3) * out + j] = s3;
    }
    for (; r < n; r++) {
      float s = bj;
      for (int k = 0; k < in; k++) s += x[r * in + k] * w[k * out + j];
      y[r * out + j] = s;
    }
  }
}

// dw[k, j] (+)= Σ_r x[r, k]·dy[r, j] and db[j] (+)= Σ_r dy[r, j] (db may be null). Tiles of 4 × 8.
EXPORT void dense_backward_weights(const float *x, const float *dy, float *dw, float *db, int n, int in, int out, int accumulate) {
  int out8 = out & ~7, in4 = in & ~3;
  for (int k = 0; k < in4; k += 4) {
    for (int j = 0; j < out8; j += 8) {
      float *d0 = dw + k * out + j;
      v128_t z = wasm_f32x4_splat(0);
      v128_t a00 = z, a01 = z, a10 = z, a11 = z, a20 = z, a21 = z, a30 = z, a31 = z;
      if (accumulate) {
        a00 = wasm_v128_load(d0); a01 = wasm_v128_load(d0 + 4);
        a10 = wasm_v128_load(d0 + out); a11 = wasm_v128_load(d0 + out + 4);
        a20 = wasm_v128_load(d0 + 2 * out); a21 = wasm_v128_load(d0 + 2 * out + 4);
        a30 = wasm_v128_load(d0 + 3 * out); a31 = wasm_v128_load(d0 + 3 * out + 4);
      }
      const float *xr = x + k, *gr = dy + j, *end = dy + n * out + j;
      for (; gr < end; xr += in, gr += out) {
        v128_t g0 = wasm_v128_load(gr), g1 = wasm_v128_load(gr + 4);
        v128_t s0 = wasm_v128_load32_splat(xr), s1 = wasm_v128_load32_splat(xr + 1), s2 = wasm_v128_load32_splat(xr + 2), s3 = wasm_v128_load32_splat(xr + 3);
        a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s0, g0)); a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s0, g1));
        a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s1, g0)); a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s1, g1));
        a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s2, g0)); a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s2, g1));
        a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s3, g0)); a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s3, g1));
      }
      wasm_v128_store(d0, a00); wasm_v128_store(d0 + 4, a01);
      wasm_v128_store(d0 + out, a10); wasm_v128_store(d0 + out + 4, a11);
      wasm_v128_store(d0 + 2 * out, a20); wasm_v128_store(d0 + 2 * out + 4, a21);
      wasm_v128_store(d0 + 3 * out, a30); wasm_v128_store(d0 + 3 * out + 4, a31);
    }
  }
  // The last out % 8 columns (a critic's single output): four rows k side by side in one vector.
  for (int j = out8; j < out; j++) {
    for (int k = 0; k < in4; k += 4) {
      float *d = dw + k * out + j;
      v128_t a = accumulate ? wasm_f32x4_make(d[0], d[out], d[2 * out], d[3 * out]) : wasm_f32x4_splat(0);
      for (int r = 0; r < n; r++) a = wasm_f32x4_add(a, wasm_f32x4_mul(wasm_v128_load(x + r * in + k), wasm_v128_load32_splat(dy + r * out + j)));
      d[0] = wasm_f32x4_extract_lane(a, 0);
      d[out] = wasm_f32x4_extract_lane(a, 1);
      d[2 * out] = wasm_f32x4_extract_lane(a, 2);
      d[3 * out] = wasm_f32x4_extract_lane(a, 3);
    }
  }
  // The last in % 4 rows k (e.g. the critic's 182 inputs): one row × 8 columns at a time, then the rest.
  for (int k = in4; k < in; k++) {
    for (int j = 0; j < out8; j += 8) {
      float *d = dw + k * out + j;
      v128_t a0 = accumulate ? wasm_v128_load(d) : wasm_f32x4_splat(0), a1 = accumulate ? wasm_v128_load(d + 4) : wasm_f32x4_splat(0);
      for (int r = 0; r < n; r++) {
        v128_t s = wasm_v128_load32_splat(x + r * in + k);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s, wasm_v128_load(dy + r * out + j)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s, wasm_v128_load(dy + r * out + j + 4)));
      }
      wasm_v128_store(d, a0);
      wasm_v128_store(d + 4, a1);
    }
    for (int j = out8; j < out; j++) {
      float s = accumulate ? dw[k * out + j] : 0.0f;
      for (int r = 0; r < n; r++) s += x[r * in + k] * dy[r * out + j];
      dw[k * out + j] = s;
    }
  }
  if (db) {
    for (int j = 0; j < out; j++) {
      float s = accumulate ? db[j] : 0.0f;
      for (int r = 0; r < n; r++) s += dy[r * out + j];
      db[j] = s;
    }
  }
}

// dx[r, c − from] = Σ_j dy[r, j]·w[c, j] for the input columns c in [from, to): w's rows are copied
// transposed into `scratch` ((to − from) × out floats... stored out × (to − from)) so the product
// runs as a forward one.
EXPORT void dense_backward_input(const float *dy, const float *w, float *dx, float *scratch, int n, int in, int out, int from, int to) {
  int cols = to - from;
  for (int c = 0; c < cols; c++)
    for (int j = 0; j < out; j++) scratch[j * cols + c] = w[(from + c) * out + j];
  (void)in;
  dense_forward(dy, scratch, 0, dx, n, out, cols);
}

// exp, tanh and log, four lanes at a time (Cephes' float polynomials, to a few ulp). Every element
// goes through the vector path (a tail is padded), so a value's result never depends on its position.
static v128_t exp4(v128_t x) {
  // x = m·ln2 + r, |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2^m from the exponent bits.
  x = wasm_f32x4_min(wasm_f32x4_max(x, wasm_f32x4_splat(-87.0f)), wasm_f32x4_splat(88.0f));
  v128_t m = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), wasm_f32x4_splat(0.5f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(m, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_add(r, wasm_f32x4_mul(m, wasm_f32x4_splat(2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), r), wasm_f32x4_splat(1.0f));
  v128_t two_m = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(m), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(p, two_m);
}

// An odd polynomial below |x| 0.625, 1 − 2/(e^{2|x|} + 1) above (|x| clamped at 9, where tanh is 1 in float32).
static v128_t tanh4(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = wasm_f32x4_splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), wasm_f32x4_splat(-3.33332819422e-1f));
  v128_t small = wasm_f32x4_add(x, wasm_f32x4_mul(wasm_f32x4_mul(x, z), p));
  v128_t e = exp4(wasm_f32x4_mul(wasm_f32x4_splat(2.0f), wasm_f32x4_min(ax, wasm_f32x4_splat(9.0f))));
  v128_t large = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_div(wasm_f32x4_splat(2.0f), wasm_f32x4_add(e, wasm_f32x4_splat(1.0f))));
  large = wasm_v128_or(large, wasm_v128_and(x, wasm_i32x4_splat((int)0x80000000))); // tanh's sign is x's
  return wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, wasm_f32x4_splat(0.625f)));
}

// log for x > 0 (normal): x = m·2^e with m in [√½, √2), Cephes' logf polynomial in m − 1.
static v128_t log4(v128_t x) {
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f800000));
  v128_t big = wasm_f32x4_gt(m, wasm_f32x4_splat(1.41421356f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, wasm_f32x4_splat(0.5f)), m, big);
  v128_t ef = wasm_f32x4_convert_i32x4(wasm_i32x4_sub(e, big)); // big is −1 where true
  v128_t f = wasm_f32x4_sub(m, wasm_f32x4_splat(1.0f)), z = wasm_f32x4_mul(f, f);
  static const float c[9] = {7.0376836292e-2f, -1.1514610310e-1f, 1.1676998740e-1f, -1.2420140846e-1f, 1.4249322787e-1f, -1.6668057665e-1f, 2.0000714765e-1f, -2.4999993993e-1f, 3.3333331174e-1f};
  v128_t p = wasm_f32x4_splat(c[0]);
  for (int i = 1; i < 9; i++) p = wasm_f32x4_add(wasm_f32x4_mul(p, f), wasm_f32x4_splat(c[i]));
  v128_t r = wasm_f32x4_mul(wasm_f32x4_mul(f, z), p);
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(wasm_f32x4_splat(2.12194440e-4f), ef));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(wasm_f32x4_splat(0.5f), z));
  return wasm_f32x4_add(wasm_f32x4_add(f, r), wasm_f32x4_mul(wasm_f32x4_splat(0.693359375f), ef));
}

// Loads / stores of the last count % 4 elements through a zero-padded lane buffer.
static v128_t load_tail(const float *p, int left) {
  float t[4] = {0, 0, 0, 0};
  for (int i = 0; i < left; i++) t[i] = p[i];
  return wasm_v128_load(t);
}

static void store_tail(float *p, v128_t v, int left) {
  float t[4];
  wasm_v128_store(t, v);
  for (int i = 0; i < left; i++) p[i] = t[i];
}

EXPORT void tanh_forward(float *y, int count) {
  int c4 = count & ~3;
  for (int i = 0; i < c4; i += 4) wasm_v128_store(y + i, tanh4(wasm_v128_load(y + i)));
  if (count > c4) store_tail(y + c4, tanh4(load_tail(y + c4, count - c4)), count - c4);
}

// dy ← dy·(1 − y²), y being tanh's output.
EXPORT void tanh_backward(float *dy, const float *y, int count) {
  int c4 = count & ~3;
  v128_t one = wasm_f32x4_splat(1.0f);
  for (int i = 0; i < c4; i += 4) {
    v128_t yi = wasm_v128_load(y + i);
    wasm_v128_store(dy + i, wasm_f32x4_mul(wasm_v128_load(dy + i), wasm_f32x4_sub(one, wasm_f32x4_mul(yi, yi))));
  }
  for (int i = c4; i < count; i++) dy[i] *= 1.0f - y[i] * y[i];
}

EXPORT void relu_forward(float *y, int count) {
  int c4 = count & ~3;
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < c4; i += 4) {
    v128_t v = wasm_v128_load(y + i);
    wasm_v128_store(y + i, wasm_v128_and(v, wasm_f32x4_gt(v, zero)));
  }
  for (int i = c4; i < count; i++) y[i] = y[i] > 0.0f ? y[i] : 0.0f;
}

// dy ← dy where the ReLU's output is positive, 0 elsewhere (tfjs's derivative at 0 is 0 too).
EXPORT void relu_backward(float *dy, const float *y, int count) {
  int c4 = count & ~3;
  v128_t zero = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < c4; i += 4)
    wasm_v128_store(dy + i, wasm_v128_and(wasm_v128_load(dy + i), wasm_f32x4_gt(wasm_v128_load(y + i), zero)));
  for (int i = c4; i < count; i++) dy[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

// SAC's tanh-squashed Gaussian sample, per row r and action j, from the actor's heads [mean | raw]
// (n × 2A) and standard normals eps (n × A): log σ = lo + half·(tanh(raw) + 1), u = mean + σ·ε,
// a = scale·tanh(u) written to out[r·out_stride + j], and log π(a) = Σ_j −½ε² − log σ − ½log 2π −
// log(scale(1 − tanh²u) + squash_eps) to logp[r] (summed over j in order). Keeps tanh(u), σ·ε and
// tanh(raw) for squash_backward; `terms` (n × A) is scratch.
EXPORT void squash_sample(const float *heads, const float *eps, int n, int a, float scale, float lo, float half, float half_log_2pi, float squash_eps,
                          float *out, int out_stride, float *logp, float *squashed, float *noise_scaled, float *raw_tanh, float *terms) {
  // The heads' two halves side by side, element k = r·A + j (in the output arrays, overwritten below).
  for (int r = 0; r < n; r++)
    for (int j = 0; j < a; j++) {
      squashed[r * a + j] = heads[r * 2 * a + j];
      raw_tanh[r * a + j] = heads[r * 2 * a + a + j];
    }
  int count = n * a;
  for (int k = 0; k < count; k += 4) {
    int left = count - k < 4 ? count - k : 4;
    v128_t mean = left == 4 ? wasm_v128_load(squashed + k) : load_tail(squashed + k, left);
    v128_t raw = left == 4 ? wasm_v128_load(raw_tanh + k) : load_tail(raw_tanh + k, left);
    v128_t e = left == 4 ? wasm_v128_load(eps + k) : load_tail(eps + k, left);
    v128_t t = tanh4(raw);
    v128_t log_std = wasm_f32x4_add(wasm_f32x4_splat(lo), wasm_f32x4_mul(wasm_f32x4_splat(half), wasm_f32x4_add(t, wasm_f32x4_splat(1.0f))));
    v128_t ns = wasm_f32x4_mul(exp4(log_std), e);
    v128_t y = tanh4(wasm_f32x4_add(mean, ns));
    v128_t g = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(y, y));
    v128_t term = wasm_f32x4_mul(wasm_f32x4_splat(-0.5f), wasm_f32x4_mul(e, e));
    term = wasm_f32x4_sub(term, wasm_f32x4_add(log_std, wasm_f32x4_splat(half_log_2pi)));
    term = wasm_f32x4_sub(term, log4(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(scale), g), wasm_f32x4_splat(squash_eps))));
    if (left == 4) {
      wasm_v128_store(raw_tanh + k, t); wasm_v128_store(noise_scaled + k, ns); wasm_v128_store(squashed + k, y); wasm_v128_store(terms + k, term);
    } else {
      store_tail(raw_tanh + k, t, left); store_tail(noise_scaled + k, ns, left); store_tail(squashed + k, y, left); store_tail(terms + k, term, left);
    }
  }
  for (int r = 0; r < n; r++) {
    float lp = 0.0f;
    for (int j = 0; j < a; j++) {
      lp += terms[r * a + j];
      out[r * out_stride + j] = scale * squashed[r * a + j];
    }
    logp[r] = lp;
  }
}

// The gradient at the heads [mean | raw] of a loss whose gradient is d_action (n × A, the sum of
// two) at the actions and d_logp (the same for every row) at log π, through squash_sample's sample.
EXPORT void squash_backward(const float *d_action1, const float *d_action2, const float *squashed, const float *noise_scaled, const float *raw_tanh,
                            int n, int a, float scale, float half, float squash_eps, float d_logp, float *d_heads) {
  for (int r = 0; r < n; r++) {
    for (int j = 0; j < a; j++) {
      int k = r * a + j;
      float y = squashed[k], g = 1.0f - y * y;
      float dy = (d_action1[k] + d_action2[k]) * scale + d_logp * 2.0f * scale * y / (scale * g + squash_eps);
      float du = dy * g;
      d_heads[r * 2 * a + j] = du;
      d_heads[r * 2 * a + a + j] = (du * noise_scaled[k] - d_logp) * half * (1.0f - raw_tanh[k] * raw_tanh[k]);
    }
  }
}

// Σ g², in float32 as tfjs sums (four lanes, then the lanes in order).
EXPORT float sum_squares(const float *g, int count) {
  v128_t acc = wasm_f32x4_splat(0);
  int c4 = count & ~3;
  for (int i = 0; i < c4; i += 4) {
    v128_t v = wasm_v128_load(g + i);
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(v, v));
  }
  float s = wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1) + wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3);
  for (int i = c4; i < count; i++) s += g[i] * g[i];
  return s;
}

// One Adam step as tfjs's AdamOptimizer (ε outside the square root of the bias-corrected second
// moment), on the gradient times `scale` (global-norm clipping): m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g²,
// p ← p − lr·(m / c1) / (√(v / c2) + ε), with c1 = 1 − β1^t and c2 = 1 − β2^t given by the caller.
EXPORT void adam_step(float *p, const float *g, float *m, float *v, int count, float scale, float lr, float beta1, float beta2, float eps, float c1, float c2) {
  for (int i = 0; i < count; i++) {
    float gi = g[i] * scale;
    float mi = m[i] * beta1 + gi * (1.0f - beta1);
    float vi = v[i] * beta2 + gi * gi * (1.0f - beta2);
    m[i] = mi;
    v[i] = vi;
    p[i] = (mi / c1) / (__builtin_sqrtf(vi / c2) + eps) * -lr + p[i];
  }
}

// target ← τ·online + (1 − τ)·target (Polyak averaging), as tfjs's add(mul(τ, a), mul(1 − τ, b)).
EXPORT void polyak(float *target, const float *online, int count, float tau) {
  float keep = 1.0f - tau;
  for (int i = 0; i < count; i++) target[i] = tau * online[i] + keep * target[i];
}
