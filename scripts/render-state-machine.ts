/**
 * Writes src/adapters/local-workflow/train-model.asl.json: the TrainModel definition rendered from the CDK
 * chain. The local runner reads that file, so `mizan train` and `mizan serve` need no aws-cdk-lib
 * (a dev dependency). Run after any change to infra/state-machine/train-model-definition.ts:
 *   node bin/run-ts.mjs scripts/render-state-machine.ts
 * (test/unit/state-machine-definition.test.ts fails while the file is stale).
 */
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { renderTrainModelAsl } from '../infra/state-machine/render-asl.ts';
import { formatAsl, TRAIN_MODEL_ASL_FILE } from '../src/adapters/local-workflow/train-model-asl.ts';

await writeFile(TRAIN_MODEL_ASL_FILE, formatAsl(renderTrainModelAsl()));
process.stdout.write(`wrote ${relative(process.cwd(), TRAIN_MODEL_ASL_FILE)}\n`);
