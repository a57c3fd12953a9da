/** The models mizan trains. Forecasters predict weekly returns; agents allocate a portfolio on their forecasts. */
export const FORECASTER_KINDS = ['lstm', 'patchtst'] as const;
export const AGENT_KINDS = ['ppo_lstm', 'ppo_patchtst', 'sac_lstm', 'sac_patchtst'] as const;
export const MODEL_KINDS = [...FORECASTER_KINDS, ...AGENT_KINDS] as const;

export type ForecasterKind = (typeof FORECASTER_KINDS)[number];
export type AgentKind = (typeof AGENT_KINDS)[number];
export type ModelKind = (typeof MODEL_KINDS)[number];
/** Forecasters always train in `full` mode; agents have `full` (from scratch) and `finetune` (last 26 weeks). */
export type TrainMode = 'full' | 'finetune';

export function isModelKind(value: string): value is ModelKind {
  return (MODEL_KINDS as readonly string[]).includes(value);
}
export function isForecasterKind(value: string): value is ForecasterKind {
  return (FORECASTER_KINDS as readonly string[]).includes(value);
}
export function isAgentKind(value: string): value is AgentKind {
  return (AGENT_KINDS as readonly string[]).includes(value);
}
