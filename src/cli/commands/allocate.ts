import { readFile } from 'node:fs/promises';
import type { AgentKind } from '../../config/model-kinds.ts';
import { AGENT_KINDS } from '../../models/kinds.ts';
import { allocate } from '../../models/agents/allocate.ts';
import { forecastReader } from '../../snapshots/read-forecasts.ts';
import { formatAllocation } from '../../models/agents/allocation/format-allocation.ts';
import { parsePortfolio, type Portfolio } from '../../models/agents/allocation/portfolio.ts';
import { UserInputError } from '../../config/errors.ts';
import { isoDate, oneOf, parseFlags } from '../args.ts';
import { CliUsageError, EXIT } from '../cli-error.ts';
import { openLocalSystem } from '../local-system.ts';
import { ALLOCATE_USAGE } from '../usage.ts';
import { commonOptions, readCommonOptions, type Io } from './common.ts';

/**
 * `mizan allocate KIND`: the current agent's target weights for the week after --as-of, with the
 * forecast and signals it saw; with --portfolio, the turnover and cost to get there. Reads only.
 */
export async function allocateCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('allocate', argv, {
    'data-dir': commonOptions['data-dir'],
    'as-of': { type: 'string' },
    portfolio: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new CliUsageError(`usage: ${ALLOCATE_USAGE}`);
  const kind = oneOf<AgentKind>('agent kind', positionals[0], AGENT_KINDS);
  const asOf = isoDate('--as-of', values['as-of'] as string | undefined);
  // The portfolio file is read and checked (shape, types) before the data dir is opened.
  const portfolio = values.portfolio === undefined ? undefined : await readPortfolio(values.portfolio as string);

  const system = await openLocalSystem({ ...readCommonOptions(values, io.env), readOnly: true }, io);
  try {
    const { allocation } = await allocate({ kind, asOf, portfolio }, { ...system, forecasts: forecastReader(system) }).catch((error: unknown) => {
      // The agent's checks of the portfolio (its symbols, values ≥ 0, not empty) name the file too.
      if (error instanceof UserInputError && (error.path[0] === 'positions' || error.path[0] === 'cash')) throw new CliUsageError(`--portfolio ${values.portfolio as string}: ${error.message}`);
      throw error;
    });
    io.stdout(values.json ? JSON.stringify(allocation, null, 2) : formatAllocation(allocation));
    return EXIT.ok;
  } finally {
    await system.close();
  }
}

async function readPortfolio(path: string): Promise<Portfolio> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliUsageError(`--portfolio ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`--portfolio ${path}: not JSON (${(error as Error).message.split('\n')[0]}); expected {"cash": 1000, "positions": {"AAPL": 5000}}`);
  }
  try {
    return parsePortfolio(value);
  } catch (error) {
    throw new CliUsageError(`--portfolio ${path}: ${(error as Error).message}`);
  }
}
