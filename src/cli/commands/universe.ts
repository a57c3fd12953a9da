import { SampleMarketData } from '../../adapters/sample/sample-market-data.ts';
import { DEFAULT_SAMPLE_DIR } from '../../data/sample-dir.ts';
import { loadSampleFundamentals } from '../../universe/fundamentals.ts';
import { formatScreenTable } from '../../universe/format-screen.ts';
import { SampleUniverse } from '../../adapters/sample/sample-universe.ts';
import { isoDate, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import type { Io } from './common.ts';
import { UNIVERSE_USAGE } from '../usage.ts';


/** `mizan universe`: every bundled symbol with PASS/FAIL of the Shariah screen and the reason. Reads only. */
export async function universeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('universe', argv, { 'as-of': { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length > 0) throw new CliUsageError(`usage: ${UNIVERSE_USAGE}`);
  const marketData = new SampleMarketData(DEFAULT_SAMPLE_DIR);
  const asOf = isoDate('--as-of', values['as-of'] as string | undefined) ?? (await marketData.lastDate());
  const universe = new SampleUniverse(await loadSampleFundamentals(DEFAULT_SAMPLE_DIR), marketData);
  const results = await universe.screen(asOf);
  if (values.json) io.stdout(JSON.stringify({ as_of: asOf, results }, null, 2));
  else io.stdout(`Shariah screen of the bundled symbols as of ${asOf}\n${formatScreenTable(results).trimEnd()}`);
  return EXIT.ok;
}
