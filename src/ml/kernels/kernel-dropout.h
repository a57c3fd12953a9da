// Hashed dropout masks: the multiplier of element `index` is 1/(1 − rate) where a counter-based hash
// of (seed, index) ≥ rate · 2^24, else 0. Any slice of a mask is computed alone (a batch split over
// threads gets the same mask as one thread), and hashed-dropout.ts is the same function in
// TypeScript (the tests hold them equal). Included by the kernels that drop (patchtst-encoder.c in
// its passes, dropout-mask.c for the tfjs layers); needs wasm_simd128.h.
#ifndef MIZAN_KERNEL_DROPOUT_H
#define MIZAN_KERNEL_DROPOUT_H

typedef unsigned int u32;

// The dropout multiplier of elements index..index+3: scale where hash(seed, index)/2^24 ≥ rate, else 0.
static inline v128_t mask4(u32 seed, u32 index, float rate, float scale) {
  v128_t h = wasm_i32x4_make(index, index + 1, index + 2, index + 3);
  h = wasm_i32x4_add(wasm_i32x4_mul(h, wasm_i32x4_splat((int)0x9E3779B9u)), wasm_i32x4_splat((int)seed));
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
  h = wasm_i32x4_mul(h, wasm_i32x4_splat(0x7feb352d));
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 15));
  h = wasm_i32x4_mul(h, wasm_i32x4_splat((int)0x846ca68bu));
  h = wasm_v128_xor(h, wasm_u32x4_shr(h, 16));
  v128_t u = wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_u32x4_shr(h, 8)), wasm_f32x4_splat(5.9604644775390625e-8f));
  return wasm_v128_and(wasm_f32x4_ge(u, wasm_f32x4_splat(rate)), wasm_f32x4_splat(scale));
}

#endif
