/**
 * The SAC agents' trainer (sac_lstm, sac_patchtst): SAC (sac.ts) in the shared agent trainer
 * (../agent-trainer.ts: panel, weeks, evaluation, benchmark, comparison, metadata).
 * A fine-tune starts from the current agent as stored: actor, both critics, both targets, log α
 * and the three Adams' state, with the config's fine-tune steps and learning rate (actor, critics
 * and α), the agent's own hidden sizes and action scale.
 * actor_loss, critic_loss and alpha are means over the last `finalWindow` gradient updates (all of
 * them when the run had fewer); metadata.training says how many.
 */
import type { KindTrainer } from '../../kind-trainer.ts';
import type { AgentAlgorithm } from '../agent-algorithm.ts';
import { agentTrainer } from '../agent-trainer.ts';
import { BestCheckpoint } from '../checkpoints.ts';
import { trainSac, type SacAgent, type SacConfig } from './sac.ts';
import { deserializeSacAgent, serializeSacAgent } from './sac-artifacts.ts';
import type { SacAgentConfig } from './sac-config.ts';
import { SAC_PROMOTION } from './sac-spec.ts';

export const sacAlgorithm: AgentAlgorithm<SacAgent, SacAgentConfig> = {
  serialize: serializeSacAgent,
  deserialize: deserializeSacAgent,
  async train(makeEnv, config, base, log, validation) {
    const { learningRate } = config.finetune;
    const overrides: Partial<SacConfig> = base
      ? { ...config.sac, seed: config.seed, totalSteps: config.finetune.totalSteps, learningRate, alphaLearningRate: learningRate, hiddenSizes: base.config.hiddenSizes, actionScale: base.config.actionScale }
      : { ...config.sac, seed: config.seed };
    const best = validation ? new BestCheckpoint<SacAgent>(validation) : undefined;
    let trained: Awaited<ReturnType<typeof trainSac>>;
    try {
      trained = await trainSac(makeEnv, overrides, {
        initial: base,
        checkpoints: best && {
          count: config.validation.checkpoints,
          offer: (agent, at) => {
            best.offer(agent, at);
            log(`checkpoint at step ${at}: validation sharpe=${best.history.at(-1)!.score.toFixed(3)}`);
          },
        },
        onUpdate: (u) =>
          log(
            `step ${u.global_step} updates ${u.updates} actor_loss=${u.actor_loss.toFixed(5)} critic_loss=${u.critic_loss.toExponential(3)} ` +
              `alpha=${u.alpha.toExponential(3)} mean_q=${u.mean_q.toFixed(4)} entropy=${u.entropy.toFixed(3)} ` +
              `episode_return=${u.episode_return?.toFixed(4) ?? 'n/a'} sps=${Math.round(u.steps_per_second)}`,
          ),
      });
    } catch (error) {
      best?.dispose();
      throw error;
    }
    const chosen = best ? best.take(trained.agent) : { agent: trained.agent, best: null };
    const { final } = trained;
    return {
      agent: chosen.agent,
      losses: { actor_loss: final.actor_loss, critic_loss: final.critic_loss, alpha: final.alpha },
      episodes: trained.episodes,
      timesteps: trained.history.at(-1)?.global_step ?? 0,
      training: {
        note: `actor_loss, critic_loss and alpha are means over the last ${final.updates} of ${trained.history.at(-1)?.updates ?? 0} gradient updates (alpha: the temperature each update used)`,
        final,
        updates: trained.history,
      },
      ...(best ? { checkpoints: { history: best.history, best: chosen.best } } : {}),
    };
  },
};

export const sacTrainer: KindTrainer = agentTrainer(sacAlgorithm, SAC_PROMOTION);
