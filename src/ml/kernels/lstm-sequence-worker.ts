/**
 * The second core's half of each LSTM pass (lstm-sequence-parallel.ts sends it): its own instance
 * of the kernel; the request loop is split-batch-serve.ts.
 */
import { loadLstmSequenceKernel, type LstmPass } from './lstm-sequence.ts';
import { lstmDataLayout, readLstmRequest } from './lstm-sequence-protocol.ts';
import { serveSplitBatch, workerKernelPath } from './split-batch-serve.ts';

const kernel = loadLstmSequenceKernel(workerKernelPath());

serveSplitBatch<LstmPass>({
  forward(fields, data, keep) {
    const { shape, sequences } = readLstmRequest(fields);
    const { T, B, I, H } = shape;
    const G = 4 * H;
    const { at } = lstmDataLayout(shape);
    const view = (k: number, n: number) => data.subarray(at[k], at[k] + n);
    const { out, record } = kernel.forward(shape, view(0, B * T * I), { W: view(1, I * G), U: view(2, H * G), bias: view(3, G) }, sequences, keep);
    data.set(out, 0);
    return record;
  },
  backward(pass, fields, data) {
    const { shape, sequences } = readLstmRequest(fields);
    const { T, B, H } = shape;
    const g = kernel.backward(pass, data.subarray(0, B * (sequences ? T * H : H)), sequences);
    const { at } = lstmDataLayout(shape);
    data.set(g.dx, at[0]);
    data.set(g.dW, at[1]);
    data.set(g.dU, at[2]);
    data.set(g.dbias, at[3]);
  },
  release: (pass) => kernel.release(pass),
});
