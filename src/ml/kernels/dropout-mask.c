// Dropout masks for the tfjs layers (src/ml/seeded-dropout.ts): kernel-dropout.h's hash, four
// elements per SIMD step, ~10× faster than the same loop in JavaScript on the LSTM's 983,040-element
// masks. The PatchTST kernel draws the same masks inside its own passes.
#include <wasm_simd128.h>
#include "kernel-heap.h"    // heap_start, ensure_memory: the loader's memory glue
#include "kernel-dropout.h" // dropout_mask
