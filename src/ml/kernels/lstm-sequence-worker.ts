/**
 * The second core's half of each LSTM pass (lstm-sequence-parallel.ts sends it): its own instance
 * of the kernel, its own records, a loop that blocks on the control block between requests.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { loadLstmSequenceKernel, type LstmPass } from './lstm-sequence.ts';
import { CTRL, layout, OP, STATUS, type WorkerInit } from './lstm-sequence-protocol.ts';

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.ctrl);
let data = new Float32Array(init.data);
const kernel = loadLstmSequenceKernel(init.kernelPath);
const passes = new Map<number, LstmPass>();

function handle(): void {
  const [op, T, B, I, H] = [ctrl[CTRL.OP], ctrl[CTRL.T], ctrl[CTRL.B], ctrl[CTRL.I], ctrl[CTRL.H]];
  const sequences = ctrl[CTRL.SEQUENCES] === 1;
  const id = ctrl[CTRL.PASS];
  const G = 4 * H;
  if (op === OP.RESIZE) {
    const message = receiveMessageOnPort(init.port);
    if (!message) throw new Error('no buffer for RESIZE');
    data = new Float32Array(message.message as SharedArrayBuffer);
  } else if (op === OP.FORWARD) {
    const keep = ctrl[CTRL.KEEP] === 1;
    const { at } = layout([B * T * I, I * G, H * G, G]);
    const view = (k: number, n: number) => data.subarray(at[k], at[k] + n);
    const { out, record } = kernel.forward({ T, B, I, H }, view(0, B * T * I), { W: view(1, I * G), U: view(2, H * G), bias: view(3, G) }, sequences, keep);
    if (record) passes.set(id, record);
    data.set(out, 0);
  } else if (op === OP.BACKWARD) {
    const pass = passes.get(id);
    if (!pass) throw new Error(`no pass ${id}`);
    passes.delete(id);
    const g = kernel.backward(pass, data.slice(0, B * (sequences ? T * H : H)), sequences);
    const { at } = layout([B * T * I, I * G, H * G, G]);
    data.set(g.dx, at[0]);
    data.set(g.dW, at[1]);
    data.set(g.dU, at[2]);
    data.set(g.dbias, at[3]);
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
