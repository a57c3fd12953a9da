/**
 * Which of the panel's weeks an agent trains on, which it is validated on and which it is evaluated on.
 * - Full: train | gapWeeks | validation | gapWeeks | evaluation. The evaluation is the last
 *   `evalFraction` of the weeks; training ends with the last week on or before the universe's date
 *   (`universeAsOf`, which the plan estimated with the same counts: universeAsOf below), or, without
 *   one, `gapWeeks + round(n·validation.fraction) + gapWeeks` weeks before the evaluation.
 * - Fine-tune: the last `finetune.evalWeeks` weeks are evaluated, `finetune.gapWeeks` before them
 *   unused, the `finetune.trainWeeks` weeks before those trained on; no validation (too few weeks).
 */
import { UserInputError } from '../../config/errors.ts';
import { addDays } from '../../data/dates.ts';
import { isoWeekMonday } from '../../features/iso-week.ts';
import type { DateRange } from '../../ports/market-data.ts';
import type { RawPanel } from './env/build-panel.ts';
import type { WeekRange } from './env/weekly-panel.ts';
import type { AgentCommonConfig } from './agent-config.ts';

export interface AgentSplit {
  train: WeekRange;
  /** Full mode only: the weeks the checkpoints are scored on. */
  validation?: WeekRange;
  evaluation: WeekRange;
}

type SplitConfig = Pick<AgentCommonConfig, 'evalFraction' | 'gapWeeks' | 'validation' | 'universeAsOf'>;

/** The counts of a full split of n weeks: [0, trainTo) train, [evalFrom, n) evaluation. */
export function splitCounts(n: number, config: Pick<AgentCommonConfig, 'evalFraction' | 'gapWeeks' | 'validation'>): { trainTo: number; evalFrom: number } {
  const evalFrom = n - Math.max(2, Math.round(n * config.evalFraction));
  const validation = Math.max(2, Math.round(n * config.validation.fraction));
  return { trainTo: evalFrom - 2 * config.gapWeeks - validation, evalFrom };
}

export function fullSplit(raw: RawPanel, config: SplitConfig): AgentSplit {
  const n = raw.weeks.length;
  const counts = splitCounts(n, config);
  const { evalFrom } = counts;
  let { trainTo } = counts;
  if (config.universeAsOf !== undefined) trainTo = raw.weeks.filter((w) => w <= config.universeAsOf!).length;
  const valFrom = trainTo + config.gapWeeks;
  const valTo = evalFrom - config.gapWeeks;
  if (trainTo < 2 || valTo - valFrom < 2) {
    const asOf = config.universeAsOf ? ` (training up to the universe's date ${config.universeAsOf})` : '';
    throw new UserInputError(
      `only ${n} weeks have walk-forward forecasts: too few to train, validate and evaluate an agent${asOf} (need more snapshot years or a longer window)`,
    );
  }
  return { train: { fromWeek: 0, toWeek: trainTo }, validation: { fromWeek: valFrom, toWeek: valTo }, evaluation: { fromWeek: evalFrom, toWeek: n } };
}

export function finetuneSplit(raw: RawPanel, config: Pick<AgentCommonConfig, 'finetune'>): AgentSplit {
  const n = raw.weeks.length;
  const { trainWeeks, gapWeeks, evalWeeks } = config.finetune;
  if (n < evalWeeks + gapWeeks + 2) {
    throw new UserInputError(`only ${n} weeks of the fine-tune window have data for every symbol: need ${evalWeeks} evaluation weeks, ${gapWeeks} gap weeks and some training weeks before them`);
  }
  const evalFrom = n - evalWeeks;
  const trainTo = evalFrom - gapWeeks;
  return { train: { fromWeek: Math.max(0, trainTo - trainWeeks), toWeek: trainTo }, evaluation: { fromWeek: evalFrom, toWeek: n } };
}

/**
 * The date a full run's universe is ranked at: the Monday of its last training week, estimated
 * from the calendar before any panel is built (the plan needs the symbols to build one). The panel's
 * weeks are taken to be every Monday from `firstWeek` (the first week its forecasts cover) to the
 * week before the window's last (whose holding return needs a later open), split by splitCounts.
 * Deterministic in the window, the first covered week and the config, so it can be part of the
 * version. The trainer then ends training at this date (fullSplit), so the universe never reads
 * information from the validation or evaluation weeks.
 */
export function universeAsOf(window: DateRange, firstWeek: string, config: Pick<AgentCommonConfig, 'evalFraction' | 'gapWeeks' | 'validation'>): string {
  const first = isoWeekMonday(firstWeek < window.start ? window.start : firstWeek);
  const last = addDays(isoWeekMonday(window.end), -7);
  const n = last < first ? 0 : Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / (7 * 86_400_000)) + 1;
  const { trainTo } = splitCounts(n, config);
  if (trainTo < 2) throw new UserInputError(`the window ${window.start}..${window.end} has only ${n} weeks with walk-forward forecasts (from ${first}): too few to train, validate and evaluate an agent`);
  return addDays(first, 7 * (trainTo - 1));
}

/** The first Monday whose first session is after a snapshot's year end (walk-forward reads the latest snapshot strictly before the week). */
export function firstWeekAfter(yearEnd: string): string {
  return addDays(isoWeekMonday(yearEnd), 7);
}

export function weekSpan(raw: RawPanel, range: WeekRange) {
  return { first: raw.weeks[range.fromWeek], last: raw.weeks[range.toWeek - 1], count: range.toWeek - range.fromWeek };
}

export function describeWeeks(raw: RawPanel, range: WeekRange): string {
  const s = weekSpan(raw, range);
  return `${s.count} weeks ${s.first}..${s.last}`;
}
