/** The schedules `cdk deploy` would create: infra/config/config.ts's defaults under cdk.json's context, read the same way. */
import { cdkJsonContext } from '../config/cdk-context.ts';
import { loadConfig } from '../config/config.ts';
import { trainingSchedules, type ScheduleDefinition } from '../config/schedule-definitions.ts';

export function configuredSchedules(context: Record<string, unknown> = cdkJsonContext()): ScheduleDefinition[] {
  return trainingSchedules(loadConfig((key) => context[key], {}));
}
