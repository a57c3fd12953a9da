/** The bad CLI invocations of issue 2 (exit 2, one line naming the valid choices, nothing written) and the message each must give. */

import { MODEL_KINDS } from '../../src/models/kinds.ts';

const KINDS = MODEL_KINDS.join(', ');

export interface BadInput {
  name: string;
  args: string[];
  message: RegExp;
}

export const BAD_INPUTS: BadInput[] = [
  { name: 'unknown model kind', args: ['train', 'foo'], message: new RegExp(`unknown model kind "foo": choose one of ${KINDS}$`) },
  { name: 'unknown flag', args: ['train', 'lstm', '--epochs', '3'], message: /unknown flag --epochs \(valid flags: --data-dir, --profile, --source, --mode, --skip-snapshot, --end, --allow-final-model\)$/ },
  { name: 'bad profile', args: ['train', 'lstm', '--profile', 'huge'], message: /unknown profile "huge": choose one of smoke, local, full$/ },
  { name: 'bad date', args: ['train', 'lstm', '--profile', 'smoke', '--end', '2024-02-30'], message: /--end "2024-02-30" is not a date: use YYYY-MM-DD$/ },
  { name: 'unknown command', args: ['fly'], message: /unknown command "fly": choose one of train, models, universe, forecasts, serve, pull, dashboard, allocate, promote, rollback, publish, gc, help$/ },
  { name: 'unknown source', args: ['train', 'lstm', '--source', 'bloomberg'], message: /unknown source "bloomberg": choose one of sample, yahoo$/ },
  { name: 'fine-tune of a forecaster', args: ['train', 'lstm', '--mode', 'finetune'], message: /lstm trains in full mode only: --mode must be full$/ },
  { name: 'gc: a count that is not one', args: ['gc', '--keep', 'x'], message: /--keep "x" is not a whole number \(0 or more\)$/ },
  { name: 'gc: a table without a bucket', args: ['gc', '--dry-run', '--table', 'mizan-registry'], message: /--table goes with --bucket \(or MIZAN_BUCKET\): the data dir needs none of it$/ },
  // Found only after the data is read (the window is resolved against it): still nothing written.
  { name: 'window end before the profile start', args: ['train', 'lstm', '--profile', 'smoke', '--end', '2012-01-06'], message: /window end 2012-01-06 is not after the profile's window start 2016-01-04$/ },
  // Issue 2 / DESIGN: a fine-tune with no prior model names the full training to run first.
  {
    name: 'agent fine-tune without a prior model',
    args: ['train', 'ppo_lstm', '--mode', 'finetune', '--profile', 'smoke'],
    message: /ppo_lstm has no trained model to fine-tune yet: train one first with `mizan train ppo_lstm --mode full` \(HTTP: POST \/train\/ppo_lstm\/full\)$/,
  },
  // Issue 20: a change of `current` needs a reason and a promotable version; without them nothing is written.
  // (Against the trained data dir the version exists as lstm and is current; against an absent one nothing exists.)
  { name: 'promote without a reason', args: ['promote', 'lstm', 'v2022.12.30-0123456789ab'], message: /--reason TEXT is required: say why \(it is kept in the promotion history\)$/ },
  { name: 'promote of an unknown version', args: ['promote', 'lstm', 'v2099.01.01-aaaaaaaaaaaa', '--reason', 'x'], message: /lstm has no version v2099\.01\.01-aaaaaaaaaaaa$/ },
  {
    name: 'promote of another kind\'s version',
    args: ['promote', 'patchtst', 'v2022.12.30-0123456789ab', '--reason', 'x'],
    message: /(v2022\.12\.30-0123456789ab is a lstm version, not patchtst|patchtst has no version v2022\.12\.30-0123456789ab)$/,
  },
  {
    name: 'promote with a bad --expected-current',
    args: ['promote', 'lstm', 'v2022.12.30-0123456789ab', '--reason', 'x', '--expected-current', 'latest'],
    message: /--expected-current "latest" is not a version \(v\{YYYY\.MM\.DD\}-\{hex\}\) or none$/,
  },
  {
    name: 'rollback with no earlier version',
    args: ['rollback', 'lstm', '--reason', 'x'],
    message: /(v2022\.12\.30-0123456789ab was the first current lstm version: there is none before it to roll back to|lstm has no current version: there is nothing to roll back)$/,
  },
  {
    name: 'rollback to a version never current',
    args: ['rollback', 'lstm', '--to', 'v2099.01.01-aaaaaaaaaaaa', '--reason', 'x'],
    message: /(lstm v2099\.01\.01-aaaaaaaaaaaa was never current, so it is no rollback: .*|lstm has no current version: there is nothing to roll back)$/,
  },
  { name: 'publish without a Hugging Face repo', args: ['publish', 'lstm', 'v2022.12.30-0123456789ab'], message: /no Hugging Face repo is configured: set MIZAN_HF_REPO \(org\/name or org\/mizan-\{kind\}\) and HF_TOKEN$/ },
];
