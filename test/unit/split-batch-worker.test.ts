/**
 * The split-batch plumbing the kernels share (split-batch-worker.ts, split-batch-serve.ts), through
 * the encoder's worker: a grown data buffer reaches the worker, its answers match the kernel run
 * here, and its errors come back as the main thread's errors instead of a hang.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encoderKernelPath, encoderParamSizes, loadEncoderKernel } from '../../src/ml/kernels/patchtst-encoder.ts';
import { ENCODER_FIELDS, writeEncoderRequest } from '../../src/ml/kernels/patchtst-encoder-protocol.ts';
import { layout, OP } from '../../src/ml/kernels/split-batch-protocol.ts';
import { kernelOnce, SplitBatchWorker } from '../../src/ml/kernels/split-batch-worker.ts';
import { mulberry32 } from '../../src/ml/random.ts';

const worker = new SplitBatchWorker('test kernel', new URL('../../src/ml/kernels/patchtst-encoder-worker.ts', import.meta.url), encoderKernelPath(), ENCODER_FIELDS);
afterAll(() => worker.close());

describe('split-batch worker', () => {
  it('forwards the worker’s errors with the kernel’s name', () => {
    expect(() => worker.wait(worker.send(OP.BACKWARD, 7))).toThrow('test kernel worker: no pass 7');
    expect(() => worker.wait(worker.send(99, 0))).toThrow('test kernel worker: unknown op 99');
    worker.release(0); // nothing to release: no request
  });

  it('answers a forward and its backward after the data buffer grows, as the kernel does here', () => {
    const shape = { T: 16, S: 8, d: 16, H: 2, ff: 32 };
    const rng = mulberry32(5);
    const params = encoderParamSizes(shape.d, shape.ff).map((n) => Float32Array.from({ length: n }, () => (rng() - 0.5) * 0.5));
    const x = Float32Array.from({ length: shape.T * shape.d }, () => rng() * 2 - 1);
    const dropout = { seeds: [3, 4, 0xfffffff0] as const, rate: 0.2 };
    const before = worker.data.length;
    worker.reserve(before + 1);
    expect(worker.data.length).toBeGreaterThan(before);

    const P = params.reduce((n, p) => n + p.length, 0);
    const { at } = layout([P, x.length]);
    worker.data.set(params.flatMap((p) => Array.from(p)), at[0]);
    worker.data.set(x, at[1]);
    const id = worker.passId(true);
    writeEncoderRequest(worker.fields, { shape, row0: 40, dropout });
    worker.wait(worker.send(OP.FORWARD, id, true));
    const here = loadEncoderKernel();
    const expected = here.forward(shape, params, x, dropout, true, 40);
    expect(worker.data.slice(0, x.length)).toEqual(expected.out.slice());

    const dy = Float32Array.from({ length: x.length }, () => rng() - 0.5);
    worker.data.set(dy, 0);
    worker.wait(worker.send(OP.BACKWARD, id));
    const g = here.backward(expected.pass!, dy);
    const back = layout([x.length, P]).at;
    expect(worker.data.slice(back[0], back[0] + x.length)).toEqual(g.dx.slice());
    expect(worker.data.slice(back[1], back[1] + P)).toEqual(g.grads.slice());
    // The backward consumed the worker's pass: a second one is an error, a release a no-op.
    expect(() => worker.wait(worker.send(OP.BACKWARD, id))).toThrow(`no pass ${id}`);
    worker.release(id);
  });

  it('makes a kernel once, and falls back to null with one warning when it cannot load', () => {
    let made = 0;
    const once = kernelOnce('test kernel', (threads) => ({ threads, n: ++made }));
    expect(once()).toBe(once());
    expect(made).toBe(1);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const broken = kernelOnce('broken kernel', () => {
        throw new Error('no such file');
      });
      expect(broken()).toBeNull();
      expect(broken()).toBeNull();
      expect(warn.mock.calls).toEqual([['broken kernel unavailable, using tfjs ops: no such file']]);
    } finally {
      warn.mockRestore();
    }
  });
});
