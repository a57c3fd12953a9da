/**
 * Which of the panel's weeks an agent trains on and which it is evaluated on.
 * - Full: evaluate on the last `evalFraction` of the weeks; train on the weeks up to `gapWeeks` before them.
 * - Fine-tune: the last `finetune.evalWeeks` weeks are evaluated, the `finetune.trainWeeks` weeks before them trained on.
 */
import { UserInputError } from '../../config/errors.ts';
import type { RawPanel } from './env/build-panel.ts';
import type { WeekRange } from './env/weekly-panel.ts';
import type { AgentCommonConfig } from './agent-config.ts';

export interface AgentSplit {
  train: WeekRange;
  evaluation: WeekRange;
}

export function fullSplit(raw: RawPanel, config: AgentCommonConfig): AgentSplit {
  const n = raw.weeks.length;
  const evalCount = Math.max(2, Math.round(n * config.evalFraction));
  const evalFrom = n - evalCount;
  const trainTo = evalFrom - config.gapWeeks;
  if (trainTo < 2) throw new UserInputError(`only ${n} weeks have walk-forward forecasts: too few to train and evaluate an agent (need more snapshot years or a longer window)`);
  return { train: { fromWeek: 0, toWeek: trainTo }, evaluation: { fromWeek: evalFrom, toWeek: n } };
}

export function finetuneSplit(raw: RawPanel, config: AgentCommonConfig): AgentSplit {
  const n = raw.weeks.length;
  const { trainWeeks, evalWeeks } = config.finetune;
  if (n < evalWeeks + 2) throw new UserInputError(`only ${n} weeks of the fine-tune window have data for every symbol: need ${evalWeeks} evaluation weeks and some training weeks before them`);
  const evalFrom = n - evalWeeks;
  return { train: { fromWeek: Math.max(0, evalFrom - trainWeeks), toWeek: evalFrom }, evaluation: { fromWeek: evalFrom, toWeek: n } };
}

export function weekSpan(raw: RawPanel, range: WeekRange) {
  return { first: raw.weeks[range.fromWeek], last: raw.weeks[range.toWeek - 1], count: range.toWeek - range.fromWeek };
}

export function describeWeeks(raw: RawPanel, range: WeekRange): string {
  const s = weekSpan(raw, range);
  return `${s.count} weeks ${s.first}..${s.last}`;
}
