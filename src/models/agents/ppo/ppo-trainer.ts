/**
 * The PPO agents' trainer (ppo_lstm, ppo_patchtst): PPO (ppo.ts) in the shared agent trainer
 * (../agent-trainer.ts: panel, weeks, evaluation, benchmark, comparison, metadata).
 * A fine-tune starts from the current agent's weights with a fresh Adam, the config's fine-tune
 * timesteps and learning rate, and the agent's own hidden sizes.
 * policy_loss and value_loss are the last update's (means over its minibatches).
 */
import type { KindTrainer } from '../../kind-trainer.ts';
import type { AgentAlgorithm } from '../agent-algorithm.ts';
import { agentTrainer } from '../agent-trainer.ts';
import { BestCheckpoint } from '../checkpoints.ts';
import { trainPpo, type PpoAgent, type PpoConfig } from './ppo.ts';
import { deserializePpoAgent, serializePpoAgent } from './ppo-artifacts.ts';
import type { PpoAgentConfig } from './ppo-config.ts';
import { PPO_PROMOTION } from './ppo-spec.ts';

export { TRANSFORM_FILE } from '../stored-agent.ts';

export const ppoAlgorithm: AgentAlgorithm<PpoAgent, PpoAgentConfig> = {
  serialize: serializePpoAgent,
  deserialize: deserializePpoAgent,
  async train(makeEnv, config, base, log, validation) {
    const overrides: Partial<PpoConfig> = base
      ? { ...config.ppo, seed: config.seed, totalTimesteps: config.finetune.totalTimesteps, learningRate: config.finetune.learningRate, hiddenSizes: base.config.hiddenSizes }
      : { ...config.ppo, seed: config.seed };
    const best = validation ? new BestCheckpoint<PpoAgent>(validation) : undefined;
    let trained: Awaited<ReturnType<typeof trainPpo>>;
    try {
      trained = await trainPpo(makeEnv, overrides, {
        initial: base,
        checkpoints: best && {
          count: config.validation.checkpoints,
          offer: (agent, at) => {
            best.offer(agent, at);
            log(`checkpoint at update ${at}: validation sharpe=${best.history.at(-1)!.score.toFixed(3)}`);
          },
        },
        onUpdate: (u) =>
          log(
            `update ${u.update} step ${u.global_step} policy_loss=${u.policy_loss.toFixed(5)} value_loss=${u.value_loss.toExponential(3)} ` +
              `approx_kl=${u.approx_kl.toExponential(2)} clip_fraction=${u.clip_fraction.toFixed(3)} explained_variance=${u.explained_variance?.toFixed(3) ?? 'n/a'} ` +
              `entropy=${u.entropy.toFixed(3)} mean_episode_return=${u.mean_episode_return?.toFixed(4) ?? 'n/a'} sps=${Math.round(u.steps_per_second)}`,
          ),
      });
    } catch (error) {
      best?.dispose();
      throw error;
    }
    const chosen = best ? best.take(trained.agent) : { agent: trained.agent, best: null };
    const last = trained.history.at(-1);
    return {
      agent: chosen.agent,
      losses: { policy_loss: last?.policy_loss ?? Number.NaN, value_loss: last?.value_loss ?? Number.NaN },
      episodes: trained.episodes,
      timesteps: last?.global_step ?? 0,
      training: { note: 'policy_loss and value_loss are the last update’s (means over its minibatches)', updates: trained.history },
      ...(best ? { checkpoints: { history: best.history, best: chosen.best } } : {}),
    };
  },
};

export const ppoTrainer: KindTrainer = agentTrainer(ppoAlgorithm, PPO_PROMOTION);
