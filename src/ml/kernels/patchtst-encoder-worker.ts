/**
 * The second core's share of each PatchTST encoder-layer pass (patchtst-encoder-parallel.ts sends
 * it): its own instance of the kernel, its own passes, a loop that blocks on the control block
 * between requests.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { encoderParamSizes, loadEncoderKernel, type EncoderPass } from './patchtst-encoder.ts';
import { CTRL, layout, OP, STATUS, type WorkerInit } from './patchtst-encoder-protocol.ts';

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.ctrl);
const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);
let data = new Float32Array(init.data);
const kernel = loadEncoderKernel(init.kernelPath);
const passes = new Map<number, EncoderPass>();

function handle(): void {
  const [op, T, S, d, H, ff] = [ctrl[CTRL.OP], ctrl[CTRL.T], ctrl[CTRL.S], ctrl[CTRL.D], ctrl[CTRL.H], ctrl[CTRL.FF]];
  const id = ctrl[CTRL.PASS];
  const sizes = encoderParamSizes(d, ff);
  const P = sizes.reduce((a, b) => a + b, 0);
  if (op === OP.RESIZE) {
    const message = receiveMessageOnPort(init.port);
    if (!message) throw new Error('no buffer for RESIZE');
    data = new Float32Array(message.message as SharedArrayBuffer);
  } else if (op === OP.FORWARD) {
    const { at } = layout([P, T * d]);
    const params: Float32Array[] = [];
    let offset = at[0];
    for (const n of sizes) {
      params.push(data.subarray(offset, offset + n));
      offset += n;
    }
    bits[0] = ctrl[CTRL.RATE];
    const dropout = { seeds: [ctrl[CTRL.SEED1] >>> 0, ctrl[CTRL.SEED2] >>> 0, ctrl[CTRL.SEED3] >>> 0] as const, rate: asFloat[0] };
    const { out, pass } = kernel.forward({ T, S, d, H, ff }, params, data.subarray(at[1], at[1] + T * d), dropout, ctrl[CTRL.KEEP] === 1, ctrl[CTRL.ROW0]);
    if (pass) passes.set(id, pass);
    data.set(out, 0);
  } else if (op === OP.BACKWARD) {
    const pass = passes.get(id);
    if (!pass) throw new Error(`no pass ${id}`);
    passes.delete(id);
    const g = kernel.backward(pass, data.subarray(0, T * d));
    const { at } = layout([T * d, P]);
    data.set(g.dx, at[0]);
    data.set(g.grads, at[1]);
  } else if (op === OP.RELEASE) {
    const pass = passes.get(id);
    if (pass) kernel.release(pass);
    passes.delete(id);
  } else {
    throw new Error(`unknown op ${op}`);
  }
}

// From 0, not the current count: the first request may be posted before this thread starts.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, CTRL.REQUEST, seen);
  seen = Atomics.load(ctrl, CTRL.REQUEST);
  try {
    handle();
    ctrl[CTRL.STATUS] = STATUS.OK;
  } catch (error) {
    const text = new TextEncoder().encode(error instanceof Error ? error.message : String(error)).slice(0, 1024);
    new Uint8Array(data.buffer, 0, text.length).set(text);
    ctrl[CTRL.LENGTH] = text.length;
    ctrl[CTRL.STATUS] = STATUS.ERROR;
  }
  Atomics.store(ctrl, CTRL.DONE, seen);
  Atomics.notify(ctrl, CTRL.DONE);
}
