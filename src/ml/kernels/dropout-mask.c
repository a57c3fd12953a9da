// Dropout masks for the tfjs layers (src/ml/seeded-dropout.ts): kernel-dropout.h's hash, four
// elements per SIMD step, ~10× faster than the same loop in JavaScript on the LSTM's 983,040-element
// masks. The PatchTST kernel draws the same masks inside its own passes.
#include <wasm_simd128.h>
#include "kernel-heap.h"    // heap_start, ensure_memory: the loader's memory glue
#include "kernel-dropout.h" // mask4

// The mask of n elements from global index start (whole groups of 4 are written: out has room for n
// rounded up to 4).
EXPORT void dropout_mask(u32 seed, u32 start, int n, float rate, float scale, float* out) {
  for (int i = 0; i < n; i += 4) wasm_v128_store(out + i, mask4(seed, start + i, rate, scale));
}
