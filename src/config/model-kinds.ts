/**
 * The words for model kinds. Which kinds exist is the registry's (src/models/kinds.ts: one line per
 * kind, its spec says what it is); here a kind is its name, e.g. `lstm` or `ppo_lstm`.
 */
export type ModelKind = string;
/** A kind with yearly snapshots, whose walk-forward forecasts other kinds read (lstm, patchtst). */
export type ForecasterKind = ModelKind;
/** A kind that allocates a portfolio on a forecaster's forecasts (ppo_lstm, sac_patchtst, …). */
export type AgentKind = ModelKind;
/** `full` trains from scratch; `finetune` adapts the current model to recent weeks (kinds whose spec has it). */
export type TrainMode = 'full' | 'finetune';
