/** The schedules `cdk deploy` would create: infra/config.ts's defaults under cdk.json's context, read the same way. */
import { cdkJsonContext } from '../cdk-context.ts';
import { loadConfig } from '../config.ts';
import { trainingSchedules, type ScheduleDefinition } from '../schedule-definitions.ts';

export function configuredSchedules(context: Record<string, unknown> = cdkJsonContext()): ScheduleDefinition[] {
  return trainingSchedules(loadConfig((key) => context[key], {}));
}
