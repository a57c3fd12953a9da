/**
 * The second core's share of each PatchTST encoder-layer pass (patchtst-encoder-parallel.ts sends
 * it): its own instance of the kernel; the request loop is split-batch-serve.ts.
 */
import { encoderParamSizes, loadEncoderKernel, type EncoderPass } from './patchtst-encoder.ts';
import { readEncoderRequest } from './patchtst-encoder-protocol.ts';
import { serveSplitBatch, workerKernelPath } from './split-batch-serve.ts';
import { layout } from './split-batch-protocol.ts';

const kernel = loadEncoderKernel(workerKernelPath());

serveSplitBatch<EncoderPass>({
  forward(fields, data, keep) {
    const { shape, row0, dropout } = readEncoderRequest(fields);
    const { T, d, ff } = shape;
    const sizes = encoderParamSizes(d, ff);
    const { at } = layout([sizes.reduce((a, b) => a + b, 0), T * d]);
    const params: Float32Array[] = [];
    let offset = at[0];
    for (const n of sizes) {
      params.push(data.subarray(offset, offset + n));
      offset += n;
    }
    const { out, pass } = kernel.forward(shape, params, data.subarray(at[1], at[1] + T * d), dropout, keep, row0);
    data.set(out, 0);
    return pass;
  },
  backward(pass, fields, data) {
    const { T, d, ff } = readEncoderRequest(fields).shape;
    const g = kernel.backward(pass, data.subarray(0, T * d));
    const { at } = layout([T * d, encoderParamSizes(d, ff).reduce((a, b) => a + b, 0)]);
    data.set(g.dx, at[0]);
    data.set(g.grads, at[1]);
  },
  release: (pass) => kernel.release(pass),
});
