// The memory glue every kernel module exports (kernel-memory.ts calls it): the loader lays out its
// buffers from heap_start() and grows the memory with ensure_memory; the module allocates nothing
// itself (no libc). Included by the kernel sources; scripts/build-kernels.sh builds only the .c files.
#ifndef MIZAN_KERNEL_HEAP_H
#define MIZAN_KERNEL_HEAP_H

#define EXPORT __attribute__((visibility("default")))

extern unsigned char __heap_base;

// The first free byte, 64-aligned.
EXPORT unsigned long heap_start(void) { return ((unsigned long)&__heap_base + 63) & ~63ul; }

// Grows the memory to hold `end` bytes; returns 0 when the memory cannot grow.
EXPORT int ensure_memory(unsigned long end) {
  unsigned long have = __builtin_wasm_memory_size(0) * 65536ul;
  if (end <= have) return 1;
  unsigned long pages = (end - have + 65535) / 65536;
  return __builtin_wasm_memory_grow(0, pages) != (unsigned long)-1;
}

#endif
