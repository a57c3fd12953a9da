// Scaled dot-product attention over many tiny sequences (PatchTST: batch·channels·heads of them,
// 8 patches × 16 dims each): O = softmax(scale·Q·Kᵀ)·V, and its backward pass, one call each, so
// tfjs does not dispatch batched matMuls, a softmax and their gradients over 11,264 tiny matrices.
// Q, K, V, O are [N, S, D] and P (the softmax) [N, S, S], row-major; D is a multiple of 4 and
// S at most 64 (the loader checks). Fixed summation order: bit-identical run to run.
#include <wasm_simd128.h>

typedef v128_t f4;
#define EXPORT __attribute__((visibility("default")))
#define MAX_S 64

extern unsigned char __heap_base;

EXPORT unsigned long heap_start(void) { return ((unsigned long)&__heap_base + 63) & ~63ul; }

EXPORT int ensure_memory(unsigned long end) {
  unsigned long have = __builtin_wasm_memory_size(0) * 65536ul;
  if (end <= have) return 1;
  unsigned long pages = (end - have + 65535) / 65536;
  return __builtin_wasm_memory_grow(0, pages) != (unsigned long)-1;
}

// e^x for x ≤ 0 (softmax shifts by the row maximum): range reduction and a degree-7 polynomial.
static inline float exp_neg(float x) {
  if (x < -87.0f) x = -87.0f;
  const float magic = 12582912.0f;
  float t = x * 1.44269504088896341f + magic;
  float n = t - magic;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  union { float f; int i; } u = { t }, s;
  s.i = ((u.i - 0x4B400000) + 127) << 23;
  return p * s.f;
}

static inline float dot(const float* a, const float* b, int D) {
  f4 acc = wasm_f32x4_splat(0.0f);
  for (int d = 0; d < D; d += 4) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + d), wasm_v128_load(b + d)));
  return (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) + (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
}

// out[D] (+)= Σ_j w[j·ws] · rows[j]  (rows of length D, stride D)
static inline void weighted_sum(float* out, const float* w, int ws, const float* rows, int S, int D, float scale) {
  for (int d = 0; d < D; d += 4) {
    f4 acc = wasm_f32x4_splat(0.0f);
    for (int j = 0; j < S; j++) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(w[j * ws]), wasm_v128_load(rows + j * D + d)));
    wasm_v128_store(out + d, wasm_f32x4_mul(acc, wasm_f32x4_splat(scale)));
  }
}

EXPORT void attention_forward(int N, int S, int D, float scale, const float* q, const float* k, const float* v, float* o, float* p) {
  for (int n = 0; n < N; n++) {
    const float* qn = q + n * S * D;
    const float* kn = k + n * S * D;
    const float* vn = v + n * S * D;
    float* pn = p + n * S * S;
    for (int i = 0; i < S; i++) {
      float* row = pn + i * S;
      float m = -3.0e38f;
      for (int j = 0; j < S; j++) {
        row[j] = scale * dot(qn + i * D, kn + j * D, D);
        if (row[j] > m) m = row[j];
      }
      float sum = 0.0f;
      for (int j = 0; j < S; j++) {
        row[j] = exp_neg(row[j] - m);
        sum += row[j];
      }
      for (int j = 0; j < S; j++) row[j] = row[j] / sum;
      weighted_sum(o + (n * S + i) * D, row, 1, vn, S, D, 1.0f);
    }
  }
}

EXPORT void attention_backward(int N, int S, int D, float scale, const float* q, const float* k, const float* v, const float* p, const float* dout,
                               float* dq, float* dk, float* dv) {
  float ds[MAX_S * MAX_S];
  for (int n = 0; n < N; n++) {
    const float* qn = q + n * S * D;
    const float* kn = k + n * S * D;
    const float* vn = v + n * S * D;
    const float* pn = p + n * S * S;
    const float* don = dout + n * S * D;
    for (int j = 0; j < S; j++) weighted_sum(dv + (n * S + j) * D, pn + j, S, don, S, D, 1.0f);
    for (int i = 0; i < S; i++) {
      const float* prow = pn + i * S;
      float* drow = ds + i * S;
      float r = 0.0f;
      for (int j = 0; j < S; j++) {
        drow[j] = dot(don + i * D, vn + j * D, D);
        r += drow[j] * prow[j];
      }
      for (int j = 0; j < S; j++) drow[j] = prow[j] * (drow[j] - r);
    }
    for (int i = 0; i < S; i++) weighted_sum(dq + (n * S + i) * D, ds + i * S, 1, kn, S, D, scale);
    for (int j = 0; j < S; j++) weighted_sum(dk + (n * S + j) * D, ds + j, S, qn, S, D, scale);
  }
}
