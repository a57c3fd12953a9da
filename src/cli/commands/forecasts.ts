import type { ForecasterKind } from '../../config/model-kinds.ts';
import { FORECASTER_KINDS } from '../../models/kinds.ts';
import { formatForecastsCsv, formatForecastsSummary, formatForecastsTable } from '../../snapshots/format-forecasts.ts';
import { walkForwardForecasts } from '../../snapshots/walk-forward.ts';
import { isoDate, oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { openLocalSystem } from '../local-system.ts';
import { commonOptions, readCommonOptions, type Io } from './common.ts';
import { FORECASTS_USAGE } from '../usage.ts';


/**
 * `mizan forecasts lstm --from ... --to ...`: walk-forward forecasts, each made by the snapshot
 * of the latest year end before its week (and which one), with the realised return; then the
 * hit rate beside "always up" and the weekly cross-sectional rank IC (on stderr with --csv).
 */
export async function forecastsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('forecasts', argv, {
    'data-dir': commonOptions['data-dir'],
    from: { type: 'string' },
    to: { type: 'string' },
    symbols: { type: 'string' },
    csv: { type: 'boolean' },
    'allow-final-model': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new CliUsageError(`usage: ${FORECASTS_USAGE}`);
  const kind = oneOf<ForecasterKind>('forecaster kind', positionals[0], FORECASTER_KINDS);
  const from = isoDate('--from', values.from as string | undefined);
  const to = isoDate('--to', values.to as string | undefined);
  if (!from || !to) throw new CliUsageError('--from and --to are required (YYYY-MM-DD)');
  if (from > to) throw new CliUsageError(`--from ${from} is after --to ${to}`);
  const symbolsFlag = values.symbols as string | undefined;
  const symbols = symbolsFlag === undefined ? undefined : symbolsFlag.split(',').map((s) => s.trim().toUpperCase());
  if (symbols?.some((s) => !/^[A-Z][A-Z0-9.-]{0,9}$/.test(s))) throw new CliUsageError(`--symbols "${symbolsFlag}" is not a comma-separated list of tickers`);

  const system = await openLocalSystem({ ...readCommonOptions(values, io.env), readOnly: true }, io);
  try {
    const rows = await walkForwardForecasts({ kind, symbols, from, to, allowFinalModel: Boolean(values['allow-final-model']) }, system);
    if (values.csv) {
      // stdout stays one CSV table; the summary (hit rate, rank IC) goes beside it, on stderr.
      io.stdout(formatForecastsCsv(rows).trimEnd());
      if (rows.length > 0) for (const line of formatForecastsSummary(rows)) io.stderr(line);
    } else {
      io.stdout(formatForecastsTable(rows).trimEnd());
    }
    return EXIT.ok;
  } finally {
    await system.close();
  }
}
