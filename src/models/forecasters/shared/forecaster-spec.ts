/** What every forecaster kind declares alike (lstm-spec.ts, patchtst-spec.ts spread it into their spec). Light: no TensorFlow.js here. */
import type { KindSpec } from '../../kind-spec.ts';

export const FORECASTER_TRAITS = {
  /** A forecaster trains from scratch only. */
  modes: ['full'],
  maxSymbols: (profile) => profile.maxForecasterSymbols,
  /** Its yearly snapshots make the walk-forward forecasts the agents read. */
  snapshots: true,
  /** The seed's rule: a lower MSE on the challenger's test weeks. */
  promotion: { name: 'test_loss', better: 'lower' },
  responseMetrics: ['train_loss', 'val_loss', 'baseline_loss'],
} as const satisfies Pick<KindSpec, 'modes' | 'maxSymbols' | 'snapshots' | 'promotion' | 'responseMetrics'>;
