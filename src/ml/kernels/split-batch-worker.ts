/**
 * The main thread's end of a kernel worker (the second half of a split batch): starts the worker on
 * its own kernel instance, sends it requests over shared memory (split-batch-protocol.ts) and waits
 * for the answers, forwarding its errors. A kernel writes its request fields into `fields` and its
 * inputs into `data`, then `send`s; it runs its own half meanwhile and `wait`s before reading the
 * reply from `data`.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { kernelThreads } from './mlp-threads.ts';
import { CTRL, FIELDS, OP, STATUS, type WorkerInit } from './split-batch-protocol.ts';

/** A pass takes well under a second; minutes of silence mean the worker is gone. */
const WORKER_TIMEOUT_MS = 120_000;

export class SplitBatchWorker {
  private readonly ctrl: Int32Array;
  /** The kernel's request fields: the control block's slots from FIELDS on. */
  readonly fields: Int32Array;
  /** The request's inputs, then the worker's reply; replaced when `reserve` grows it. */
  data: Float32Array;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private lastPass = 0;

  /** `module`: the kernel's worker module (it calls serveSplitBatch); `name` for error messages. */
  constructor(private readonly name: string, module: URL, kernelPath: string, fieldCount: number) {
    this.ctrl = new Int32Array(new SharedArrayBuffer((FIELDS + fieldCount) * 4));
    this.fields = this.ctrl.subarray(FIELDS);
    const data = new SharedArrayBuffer(16 << 20);
    this.data = new Float32Array(data);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const init: WorkerInit = { ctrl: this.ctrl.buffer as SharedArrayBuffer, data, port: port2, module: module.href, kernelPath };
    this.worker = new Worker(new URL('./split-batch-entry.mjs', import.meta.url), { workerData: init, transferList: [port2] });
    // The kernel lives as long as the process; a worker blocked in Atomics.wait must not hold it open.
    this.worker.unref();
    port1.unref();
  }

  /** A new id for a forward pass the worker keeps for its backward; 0 when it keeps none. */
  passId(keep: boolean): number {
    return keep ? ++this.lastPass : 0;
  }

  /** Grows the shared data buffer to hold `floats` (the worker takes the new one through its port). */
  reserve(floats: number): void {
    if (floats <= this.data.length) return;
    const data = new SharedArrayBuffer(Math.max(floats * 4, this.data.length * 8));
    this.port.postMessage(data);
    this.data = new Float32Array(data);
    this.wait(this.send(OP.RESIZE, 0));
  }

  /** Posts a request (the fields and data written before); returns its number for `wait`. */
  send(op: number, pass: number, keep = false): number {
    const c = this.ctrl;
    c[CTRL.OP] = op;
    c[CTRL.PASS] = pass;
    c[CTRL.KEEP] = keep ? 1 : 0;
    const request = Atomics.add(c, CTRL.REQUEST, 1) + 1;
    Atomics.notify(c, CTRL.REQUEST);
    return request;
  }

  /** Blocks until the worker answers `request`; a worker that died (its error event cannot arrive while this thread blocks) shows as silence. */
  wait(request: number): void {
    const deadline = performance.now() + WORKER_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL.DONE);
      if (done === request) break;
      if (performance.now() > deadline) throw new Error(`${this.name} worker did not answer within ${WORKER_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ctrl, CTRL.DONE, done, 1000);
    }
    if (this.ctrl[CTRL.STATUS] !== STATUS.OK) {
      const bytes = new Uint8Array(this.data.buffer, 0, this.ctrl[CTRL.LENGTH]).slice();
      throw new Error(`${this.name} worker: ${new TextDecoder().decode(bytes)}`);
    }
  }

  /** Frees the worker's pass `pass` (0: none). */
  release(pass: number): void {
    if (pass !== 0) this.wait(this.send(OP.RELEASE, pass));
  }

  /** Stops the worker (the kernel is unusable after). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** a += b, element by element in index order: the second half's parameter gradients onto the first's, the same order with one thread or two. */
export function addInto(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
  return a;
}

/**
 * A kernel made on first use, on two threads or one as kernelThreads() says (MIZAN_KERNEL_THREADS);
 * null, with one warning naming what the callers do instead (`fallback`), when it cannot load.
 */
export function kernelOnce<K>(name: string, make: (threads: 1 | 2) => K, fallback = 'using tfjs ops'): () => K | null {
  let made: K | null | undefined;
  return () => {
    if (made !== undefined) return made;
    try {
      made = make(kernelThreads());
    } catch (error) {
      console.warn(`${name} unavailable, ${fallback}: ${error instanceof Error ? error.message : String(error)}`);
      made = null;
    }
    return made;
  };
}
