/**
 * What each TrainModel Lambda step receives: the whole state (the execution input plus what the
 * earlier states added). Validated with zod so a malformed state fails loudly, not halfway.
 */
import { z } from 'zod';
import { MODEL_KINDS } from '../../src/models/kinds.ts';
import type { PromotionOutcome } from '../../src/pipeline/decide-promotion.ts';
import type { TrainingPlan } from '../../src/models/training-plan.ts';

const planSchema = z
  .looseObject({
    kind: z.enum(MODEL_KINDS),
    version: z.string().min(1),
    window: z.object({ start: z.string(), end: z.string() }),
    symbols: z.array(z.string()),
    snapshotYearEnds: z.array(z.string()),
  })
  .transform((plan) => plan as unknown as TrainingPlan);

const promotionSchema = z
  .object({
    promoted: z.boolean(),
    prior_version: z.string().nullable(),
    reason: z.string(),
    compared_on: z.enum(['first_model', 'same_test_weeks', 'not_compared']),
    comparison: z.looseObject({ against: z.string() }).nullable().optional(),
    // The promotion test's record (src/registry/promotion-rule.ts): kept through the state to "Record result".
    rule: z.string().optional(),
    test: z.looseObject({ method: z.string(), p_value: z.number() }).nullable().optional(),
    level: z.number().optional(),
    max_age_weeks: z.number().optional(),
    age_weeks: z.number().nullable().optional(),
  })
  .transform((p) => p as PromotionOutcome);

export const stateInputSchema = z.looseObject({
  plan: planSchema,
  skipSnapshot: z.boolean(),
  publish: z.boolean(),
  executionName: z.string(),
  promotion: promotionSchema.optional(),
  published: z.object({ hf_repo: z.string().nullable(), hf_url: z.string().nullable() }).nullable().optional(),
  snapshots: z.array(z.unknown()).optional(),
  /** Set when "Publish to Hugging Face" failed (its Catch continues to "Record result"). */
  publishError: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
  /** Set by a Catch (`ResultPath: $.error`). */
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});

export type StateInput = z.infer<typeof stateInputSchema>;

export function parseStateInput(event: unknown): StateInput {
  return stateInputSchema.parse(event);
}
