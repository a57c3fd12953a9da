/**
 * tfjs's LSTM layer, run by the fused whole-sequence op (lstm-sequence-op.ts) where it can: on the
 * wasm backend, for the configuration the forecaster uses (tanh / sigmoid, bias, no dropout inside
 * the cell, no state carried between calls, no mask). Anything else, and every other backend (the
 * GPU container's 'tensorflow'), runs tfjs's own step-by-step LSTM.
 * Same weights, same config, same class name ('LSTM') in the saved topology: saved models load as
 * before, and loading one registers this class for 'LSTM', so a loaded model runs fused too.
 */
import { tf } from '../../../ml/backend.ts';
import { lstmSequence, lstmSequenceAvailable } from './lstm-sequence-op.ts';

type LstmArgs = Parameters<typeof tf.layers.lstm>[0];
type LstmLayer = ReturnType<typeof tf.layers.lstm>;

/** tfjs does not export the LSTM class itself; its factory returns an instance of it. */
const TfjsLstm = tf.layers.lstm({ units: 1 }).constructor as new (args: LstmArgs) => LstmLayer;

interface CellInternals {
  units: number;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  kernel: { read(): tf.Tensor };
  recurrentKernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
}

export class FusedLstm extends TfjsLstm {
  static readonly className = 'LSTM';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const cell = this.cell as unknown as CellInternals;
    if (!this.canFuse(cell, kwargs)) return super.call(inputs, kwargs);
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
    return tf.tidy(() =>
      lstmSequence(x, cell.kernel.read() as tf.Tensor2D, cell.recurrentKernel.read() as tf.Tensor2D, cell.bias!.read() as tf.Tensor1D, {
        returnSequences: this.returnSequences,
        training: kwargs?.training === true,
        owner: this,
      }),
    );
  }

  private canFuse(cell: CellInternals, kwargs: Record<string, unknown> | undefined): boolean {
    return (
      cell.activation.getClassName() === 'tanh' &&
      cell.recurrentActivation.getClassName() === 'sigmoid' &&
      cell.useBias &&
      cell.bias !== null &&
      cell.dropout === 0 &&
      cell.recurrentDropout === 0 &&
      !this.stateful &&
      !this.goBackwards &&
      !this.returnState &&
      kwargs?.mask == null &&
      kwargs?.initialState == null &&
      lstmSequenceAvailable(cell.units)
    );
  }
}

// Replaces tfjs's entry for 'LSTM' (no 'Custom>' name: the saved class name stays 'LSTM').
tf.serialization.SerializationMap.register(FusedLstm as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
