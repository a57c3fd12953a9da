/**
 * Speed fixes for tfjs-backend-wasm 4.22 kernels that an LSTM leans on. Each replacement computes
 * exactly the same values as the kernel it replaces (tests compare them); only the copying changes.
 *
 * - BatchMatMul with transposeA/transposeB runs a slow naive loop (measured ~10x slower than the
 *   XNNPACK path for LSTM-sized matrices), and every matMul gradient asks for a transposed operand:
 *   transpose explicitly (a cheap copy), then call the original kernel untransposed.
 * - Slice (and Unpack/SplitV, built on it) copies the WHOLE input out of the wasm heap for every
 *   slice; unstacking a [60, batch, 64] sequence into 60 steps copied it 60 times. Here slices read
 *   the heap in place.
 * Measured on an LSTM(64)×2 training step: ~3.5x faster overall.
 * - Identity copied its input: tfjs clones every tensor it saves for a gradient through Identity, so
 *   each training step copied every saved activation once more. Here it shares the data (a
 *   reference count, as Reshape and the cpu backend's Identity do; tensors are immutable).
 */
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type TypedArray = Float32Array | Int32Array | Uint8Array;

/** The parts of the wasm backend object these kernels use. */
interface WasmBackend {
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): TypedArray;
  disposeData(dataId: object): boolean;
}

let patched = false;

export function patchWasmKernels(): void {
  if (patched) return;
  replaceKernel('BatchMatMul', transposeFreeMatMul);
  replaceKernel('Identity', (original) => ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    if (!isNumeric(x.dtype)) return original({ inputs, backend, attrs });
    (backend as unknown as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
  replaceKernel('Slice', (original) => ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    if (!isNumeric(x.dtype)) return original({ inputs, backend, attrs });
    const { begin, size } = attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size);
    return sliceInPlace(backend as unknown as WasmBackend, x, begin_, size_);
  });
  replaceKernel('Unpack', (original) => ({ inputs, backend, attrs }) => {
    const value = inputs.value as tf.TensorInfo;
    if (!isNumeric(value.dtype)) return original({ inputs, backend, attrs });
    const rank = value.shape.length;
    const axis = ((attrs as unknown as { axis: number }).axis + rank) % rank;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const size = value.shape.slice();
    size[axis] = 1;
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      const begin = value.shape.map((_, d) => (d === axis ? i : 0));
      const out = sliceInPlace(backend as unknown as WasmBackend, value, begin, size);
      return { ...out, shape: outShape };
    });
  });
  replaceKernel('SplitV', (original) => ({ inputs, backend, attrs }) => {
    const x = inputs.x as tf.TensorInfo;
    if (!isNumeric(x.dtype)) return original({ inputs, backend, attrs });
    const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[$axis] = s;
      const out = sliceInPlace(backend as unknown as WasmBackend, x, begin, size);
      begin[$axis] += s;
      return out;
    });
  });
  patched = true;
}

function replaceKernel(name: string, make: (original: KernelFunc) => KernelFunc): void {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm kernel ${name} is not registered`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: make(config.kernelFunc) });
}

function isNumeric(dtype: tf.DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/** Copies the slice straight from the input's heap view (taken after the output is allocated: allocation may grow and detach the heap). */
function sliceInPlace(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return out;
  const xVals = backend.typedArrayFromHeap(x);
  const outVals = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  if (rank === 0) {
    outVals[0] = xVals[0];
    return out;
  }
  const strides = tf.util.computeStrides(x.shape); // rank-1 entries; the last dim has stride 1
  const run = size[rank - 1];
  const index = new Array<number>(rank - 1).fill(0); // odometer over the outer dims of the slice
  for (let written = 0; written < total; written += run) {
    let offset = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (begin[d] + index[d]) * strides[d];
    outVals.set(xVals.subarray(offset, offset + run), written);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function transposeFreeMatMul(matMul: KernelFunc): KernelFunc {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) throw new Error('wasm kernel Transpose is not registered');
  return ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return matMul({ inputs, backend, attrs });
    const temporaries: tf.TensorInfo[] = [];
    const swapLast = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const t = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      temporaries.push(t);
      return t;
    };
    const a = transposeA ? swapLast(inputs.a as tf.TensorInfo) : inputs.a;
    const b = transposeB ? swapLast(inputs.b as tf.TensorInfo) : inputs.b;
    const out = matMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temporaries) (backend as unknown as WasmBackend).disposeData(t.dataId);
    return out;
  };
}
