/**
 * The LSTM's request fields in the split-batch control block (split-batch-protocol.ts): the half's
 * shape and whether the layer returns every step, written by lstm-sequence-parallel.ts and read by
 * lstm-sequence-worker.ts in this one order.
 */
import type { LstmShape } from './lstm-sequence.ts';
import { layout } from './split-batch-protocol.ts';

export const LSTM_FIELDS = 5;

export interface LstmRequest {
  shape: LstmShape;
  /** Every hidden state [B, T, H], or the last [B, H]. */
  sequences: boolean;
}

export function writeLstmRequest(fields: Int32Array, { shape, sequences }: LstmRequest): void {
  fields.set([shape.T, shape.B, shape.I, shape.H, sequences ? 1 : 0]);
}

export function readLstmRequest(fields: Int32Array): LstmRequest {
  const [T, B, I, H, sequences] = fields;
  return { shape: { T, B, I, H }, sequences: sequences === 1 };
}

/** The data buffer's arrays for a half of B samples: x or dx [B, T, I], then W or dW, U or dU, bias or dbias. */
export function lstmDataLayout({ T, B, I, H }: LstmShape): { at: number[]; floats: number } {
  const G = 4 * H;
  return layout([B * T * I, I * G, H * G, G]);
}
