// a·b + c on four lanes: relaxed SIMD's madd, which V8 compiles to one fused multiply-add (one
// rounding) on a CPU with FMA, and to a multiply then an add elsewhere. Fused, it halves the
// arithmetic instructions of the kernels' products. The result is the same on every run of one
// machine (bit-identical runs hold), but a CPU without FMA rounds differently. The loader enables
// relaxed SIMD in V8 (kernel-memory.ts); clang 16 or later compiles it (scripts/build-kernels.sh).
#ifndef MIZAN_KERNEL_MADD_H
#define MIZAN_KERNEL_MADD_H

#include <wasm_simd128.h>

static inline v128_t madd4(v128_t a, v128_t b, v128_t c) {
  return __builtin_wasm_relaxed_madd_f32x4(a, b, c);
}

#endif
