/**
 * Using a trained agent (`mizan allocate KIND`, GET/POST /models/{kind}/allocation): the current
 * agent's target weights for the week after as_of, with what it saw, and, given the portfolio held
 * now, the turnover to get there and its cost.
 *
 * The observation is the one the environment would give for that week: the panel's row built by
 * env/build-panel.ts from what was known before the week's first session (the walk-forward forecast
 * of the latest snapshot before it, signals and prices up to the previous close; see
 * allocation/decision-week.ts for how a future week is built), standardised with the agent's stored
 * transform, then the weights held coming into the week: the given portfolio's, else all cash (the
 * state every evaluation starts from). The action is the policy's deterministic one, projected onto
 * the agent's rules (each stock ≤ maxStockWeight, cash ≥ minCash) as in training, then, as in every
 * evaluation, the weight on a symbol that no longer trades moved to cash (allocation/not-trading.ts:
 * the panel is built on the symbols that trade, the others put back as build-panel puts a symbol
 * that stopped trading; `not_trading` lists them with their last session). The rebalance is costed
 * on those final weights.
 */
import { AGENT_KINDS, isAgentKind, kindSpec } from '../kinds.ts';
import { addDays } from '../../data/dates.ts';
import { initBackend } from '../../ml/backend.ts';
import { UserInputError } from '../../config/errors.ts';
import type { SignalProvider } from '../../ports/signals.ts';
import type { ArtifactStore } from '../../ports/artifact-store.ts';
import type { MarketData } from '../../ports/market-data.ts';
import type { ModelRegistry } from '../../ports/model-registry.ts';
import { readModelFiles, versionPrefix } from '../artifacts/model-files.ts';
import { marketDataBeforeWeek, resolveDecisionWeek } from './allocation/decision-week.ts';
import { heldPortfolio, type Portfolio } from './allocation/portfolio.ts';
import { rebalanceCost, type RebalanceCost } from './allocation/rebalance-cost.ts';
import { applyStandardiser, buildRawPanel, selectWeeks, type RawPanel, type SignalReader } from './env/build-panel.ts';
import { observationSize, writeObservation } from './env/observation.ts';
import { resolveRules } from './env/portfolio-rules.ts';
import { projectWeights } from './env/project-weights.ts';
import { allCash } from './env/rebalance.ts';
import { holdUntradableAsCash } from './env/tradable.ts';
import { withNotTrading } from './allocation/not-trading.ts';
import type { ForecastReader } from '../forecasts.ts';
import { panelInput, type AgentCommonConfig } from './agent-config.ts';
import { readTransform } from './stored-agent.ts';

/** The agent config fields allocation reads (metadata.json's config: the plan's). */
type StoredAgentConfig = Pick<AgentCommonConfig, 'forecaster' | 'lookbackDays' | 'returnDays' | 'volatilityDays' | 'allowFinalModel'> &
  Partial<Pick<AgentCommonConfig, 'maxStockWeight' | 'minCash' | 'costBps'>>;

/** A kind without a current agent: 404 on the API, exit 2 on the CLI. */
export class NoCurrentAgentError extends UserInputError {
  override name = 'NoCurrentAgentError';
  constructor(readonly kind: string) {
    super(`${kind} has no current agent: train one first with \`mizan train ${kind}\` (HTTP: POST /train/${kind}/full)`);
  }
}

export interface AllocationRequest {
  kind: string;
  /** YYYY-MM-DD; default: the end of the data's last complete week. */
  asOf?: string;
  /** The portfolio held now; without it the agent observes all cash and no rebalance is costed. */
  portfolio?: Portfolio;
}

export interface AllocationDeps {
  store: ArtifactStore;
  registry: ModelRegistry;
  marketData: MarketData;
  /** News and statements (the deployment's provider); the bundled files when absent. */
  signals?: SignalProvider;
  /** The panel's signal rows outright; tests perturb them. */
  signalReader?: SignalReader;
  /** The forecaster's walk-forward forecasts (src/snapshots/read-forecasts.ts forecastReader). */
  forecasts: ForecastReader;
}

export interface Allocation {
  kind: string;
  version: string;
  algorithm: string;
  as_of: string;
  /** Monday of the week the weights are for. */
  week: string;
  /** The last session the observation read. */
  data_through: string | null;
  forecaster: { kind: string; walk_forward: 'snapshots' | 'final_model'; snapshot: string | null };
  symbols: string[];
  /** Target weights in the agent's symbol order, then cash; they sum to 1. */
  target_weights: Record<string, number>;
  /** The raw (unstandardised) features of the week per symbol, by name; null where unknown (the agent saw the training mean). */
  features: Record<string, Record<string, number | null>>;
  /** The symbols that no longer trade (their last session is before data_through), with that session: their weight is 0, held in cash. Empty when all trade. */
  not_trading: Record<string, string>;
  /** The weights in the observation: the given portfolio's, or all cash. */
  observed_weights: 'portfolio' | 'all_cash';
  rules: { max_stock_weight: number; min_cash: number; cost_bps: number };
  rebalance: RebalanceCost | null;
}

export interface AllocationResult {
  allocation: Allocation;
  /** The observation the policy was given (standardised features, then the held weights). */
  observation: Float32Array;
}

export async function allocate(request: AllocationRequest, deps: AllocationDeps): Promise<AllocationResult> {
  const { kind } = request;
  const policySpec = isAgentKind(kind) ? kindSpec(kind).policy : undefined;
  if (!policySpec) throw new UserInputError(`"${kind.slice(0, 40)}" is not an agent kind: choose one of ${AGENT_KINDS.join(', ')}`, ['kind']);
  const version = await deps.registry.current(kind);
  if (!version) throw new NoCurrentAgentError(kind);
  const stored = await readModelFiles(deps.store, versionPrefix(kind, version));
  if (!stored) throw new Error(`the current ${kind} ${version} has no committed files`);
  const transform = readTransform(stored.files, `${kind} ${version}`);
  const config = stored.metadata.config as unknown as StoredAgentConfig;
  const rules = resolveRules({ maxStockWeight: config.maxStockWeight, minCash: config.minCash, costBps: config.costBps });
  const symbols = transform.symbols;
  const held = request.portfolio ? heldPortfolio(request.portfolio, symbols) : undefined;

  const decision = await resolveDecisionWeek(request.asOf, symbols, deps.marketData);
  const { week, notTrading } = decision;
  const trading = symbols.filter((s) => !Object.hasOwn(notTrading, s));
  if (trading.length === 0) {
    throw new UserInputError(`none of ${kind} ${version}'s symbols trades in the week of ${week} (last sessions: ${Object.entries(notTrading).map(([s, d]) => `${s} ${d}`).join(', ')}): train an agent on a current universe`, ['as_of']);
  }
  const panelDeps = { marketData: marketDataBeforeWeek(deps.marketData, week), signals: deps.signals, signalReader: deps.signalReader, forecasts: deps.forecasts };
  const built = selectWeeks(
    await buildRawPanel(panelInput(config, trading, { start: week, end: addDays(week, 7) }), panelDeps).catch((error: unknown) => {
      if (error instanceof UserInputError) throw new UserInputError(`cannot observe the week of ${week} for ${kind} ${version}: ${error.message}`, error.path);
      throw error;
    }),
    [week],
  );
  if (built.weeks.length !== 1) {
    throw new UserInputError(`cannot observe the week of ${week} for ${kind} ${version}: a symbol of ${trading.join(', ')} has no forecast or no session before it`, ['as_of']);
  }
  const raw = withNotTrading(built, symbols, notTrading);
  const panel = applyStandardiser(raw, transform);
  const observation = new Float32Array(observationSize(panel));
  writeObservation(panel, 0, held?.weights ?? allCash(symbols.length), observation);

  await initBackend();
  const policy = (await policySpec.load())(stored.files);
  let target: Float64Array;
  try {
    if (policy.obsDim !== observation.length) throw new Error(`${kind} ${version} expects ${policy.obsDim} observations, its panel gives ${observation.length}`);
    target = projectWeights(policy.act(observation), rules);
    holdUntradableAsCash(target, panel, 0); // a symbol that no longer trades is held as cash
  } finally {
    policy.dispose();
  }

  const allocation: Allocation = {
    kind,
    version,
    algorithm: policySpec.algorithm,
    as_of: decision.asOf,
    week,
    data_through: decision.dataThrough,
    forecaster: { kind: config.forecaster, walk_forward: raw.walkForward ?? 'snapshots', snapshot: raw.snapshots[0] ?? null },
    symbols: [...symbols],
    target_weights: Object.fromEntries([...symbols, 'cash'].map((name, i) => [name, target[i]])),
    features: rawFeatures(raw),
    not_trading: { ...notTrading },
    observed_weights: held ? 'portfolio' : 'all_cash',
    rules: { max_stock_weight: rules.maxStockWeight, min_cash: rules.minCash, cost_bps: rules.costBps },
    rebalance: held ? rebalanceCost(symbols, held, target, rules.costBps) : null,
  };
  return { allocation, observation };
}

/** The week's raw (unstandardised) features per symbol, by name; null where unknown. */
function rawFeatures(raw: RawPanel): Allocation['features'] {
  const F = raw.featureNames.length;
  return Object.fromEntries(raw.symbols.map((symbol, s) => [symbol, Object.fromEntries(raw.featureNames.map((name, f) => [name, finiteOrNull(raw.raw[s * F + f])]))]));
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
