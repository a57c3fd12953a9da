/**
 * What a forecaster kind brings to the shared training, evaluation, snapshot and walk-forward code:
 * its dataset (the channels of its samples) and its network. Everything else is shared.
 */
import type { ForecasterKind } from '../../../config/model-kinds.ts';
import type { WeeklySample } from '../../../features/weekly-dataset.ts';
import type { tf } from '../../../ml/backend.ts';
import type { DateRange } from '../../../ports/market-data.ts';
import type { ForecasterData } from '../../forecasts.ts';
import type { ForecasterTrainingConfig } from './forecaster-config.ts';

export interface ForecasterModule<C extends ForecasterTrainingConfig = ForecasterTrainingConfig> {
  kind: ForecasterKind;
  /** One sample per symbol and target week of `window`; features read only data before the week. */
  buildSamples(data: ForecasterData, config: C, symbols: readonly string[], window: DateRange): Promise<WeeklySample[]>;
  /** The network for `channels` input channels, compiled (it owns its optimizer). */
  buildModel(config: C, channels: number): tf.LayersModel;
  /** Extra facts about the inputs for the metadata (e.g. news days per symbol). */
  describeInputs?(data: ForecasterData, config: C, symbols: readonly string[], window: DateRange): Promise<Record<string, unknown>>;
}
