#!/usr/bin/env bash
# Builds every C kernel in src/ml/kernels/*.c into the .wasm beside it (committed; nothing is built
# at install). Debian's clang 16 + lld 16: `apt-get install -y clang-16 lld-16` (relaxed SIMD's
# madd needs clang 16; kernel-madd.h). The flags are fixed here, so a
# rebuild of the same source with the same clang gives the same bytes; test/unit/kernels-build.test.ts
# rebuilds into a temporary folder and compares.
#   bash scripts/build-kernels.sh            # rebuild in place
#   bash scripts/build-kernels.sh OUT_DIR    # build into OUT_DIR (the check uses this)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-src/ml/kernels}
mkdir -p "$out"
# Each .c is one module; the .h files beside them (kernel-heap.h: the memory glue) are shared
# source, included by name from the .c's folder, not built on their own.
for src in src/ml/kernels/*.c; do
  [ -e "$src" ] || continue
  name=$(basename "$src" .c)
  # wasm32 with SIMD128, no libc: each kernel exports its functions and its own memory, and
  # allocates from __heap_base itself. No -ffast-math: results must match tfjs to 1e-4 and be
  # bit-identical run to run; no contraction either (-ffp-contract=off): the only fused multiply-adds
  # are the kernels' explicit madd4. No debug info, so no paths end up in the binary.
  clang-16 --target=wasm32 -O3 -msimd128 -mrelaxed-simd -mbulk-memory -ffp-contract=off -nostdlib -ffreestanding -fno-builtin \
    -Wall -Werror \
    -Wl,--no-entry -Wl,--export-dynamic -Wl,--strip-all -Wl,--initial-memory=1048576 -Wl,--max-memory=2147483648 \
    -o "$out/$name.wasm" "$src"
  echo "built $out/$name.wasm"
done
