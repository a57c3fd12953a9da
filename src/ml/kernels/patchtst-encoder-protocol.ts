/**
 * The encoder's request fields in the split-batch control block (split-batch-protocol.ts): the
 * half's shape, its first global row and the dropout (seeds and the rate's float32 bits), written
 * by patchtst-encoder-parallel.ts and read by patchtst-encoder-worker.ts in this one order.
 */
import type { EncoderDropout, EncoderShape } from './patchtst-encoder.ts';

export const ENCODER_FIELDS = 10;

export interface EncoderRequest {
  shape: EncoderShape;
  row0: number;
  dropout: EncoderDropout;
}

const rateBits = new Int32Array(1);
const rate = new Float32Array(rateBits.buffer);

export function writeEncoderRequest(fields: Int32Array, { shape, row0, dropout }: EncoderRequest): void {
  rate[0] = dropout.rate;
  fields.set([shape.T, shape.S, shape.d, shape.H, shape.ff, row0, dropout.seeds[0], dropout.seeds[1], dropout.seeds[2], rateBits[0]]);
}

export function readEncoderRequest(fields: Int32Array): EncoderRequest {
  const [T, S, d, H, ff, row0, s1, s2, s3, bits] = fields;
  rateBits[0] = bits;
  return { shape: { T, S, d, H, ff }, row0, dropout: { seeds: [s1 >>> 0, s2 >>> 0, s3 >>> 0], rate: rate[0] } };
}
