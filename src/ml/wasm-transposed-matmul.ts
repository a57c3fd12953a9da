/**
 * Speed fix for the wasm backend: tfjs-backend-wasm 4.22 runs BatchMatMul with transposeA/transposeB
 * through a slow naive loop (measured ~10x slower than the XNNPACK path for LSTM-sized matrices), and
 * every matMul gradient asks for a transposed operand. This re-registers the wasm BatchMatMul kernel so
 * it transposes explicitly (a cheap copy) and then calls the original kernel untransposed. The result
 * is numerically the same product; training an LSTM gets several times faster.
 */
import * as tf from '@tensorflow/tfjs';

type KernelFunc = tf.KernelConfig['kernelFunc'];
interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

let patched = false;

export function patchWasmTransposedMatMul(): void {
  if (patched) return;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose) throw new Error('wasm BatchMatMul/Transpose kernels are not registered');
  const matMul = original.kernelFunc;
  const transposeFn = transpose.kernelFunc;

  const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return matMul({ inputs, backend, attrs });
    const temporaries: tf.TensorInfo[] = [];
    const swapLast = (x: tf.TensorInfo): tf.TensorInfo => {
      const rank = x.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const t = transposeFn({ inputs: { x }, backend, attrs: { perm } }) as tf.TensorInfo;
      temporaries.push(t);
      return t;
    };
    const a = transposeA ? swapLast(inputs.a as tf.TensorInfo) : inputs.a;
    const b = transposeB ? swapLast(inputs.b as tf.TensorInfo) : inputs.b;
    const out = matMul({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    for (const t of temporaries) (backend as unknown as DisposingBackend).disposeData(t.dataId);
    return out;
  };

  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  patched = true;
}
