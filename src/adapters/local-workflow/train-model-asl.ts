/**
 * The TrainModel definition the local runner runs: the ASL rendered from the same CDK chain that is
 * deployed (infra/state-machine/render-asl.ts), committed as train-model.asl.json next to this file,
 * read rather than rendered so that no aws-cdk-lib (a dev dependency) is needed at run time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Json, JsonObject } from '../../ports/train-model.ts';

/** The rendered definition (scripts/render-state-machine.ts writes it; a unit test keeps it equal to the CDK chain). */
export const TRAIN_MODEL_ASL_FILE = fileURLToPath(new URL('./train-model.asl.json', import.meta.url));

export const RENDER_COMMAND = 'node bin/run-ts.mjs scripts/render-state-machine.ts';

/** The committed ASL of TrainModel, as deployed (placeholder ARNs). A fresh copy on each call. */
export function readTrainModelAsl(): JsonObject {
  return JSON.parse(readFileSync(TRAIN_MODEL_ASL_FILE, 'utf8')) as JsonObject;
}

/** How the committed file is formatted: stable, diff-friendly. */
export function formatAsl(asl: Json): string {
  return `${JSON.stringify(asl, null, 2)}\n`;
}
