/** Usage lines of every command: kept apart from the commands so `mizan help` loads nothing heavy. */
import { MODEL_KINDS } from '../models/kinds.ts';

export const ALLOCATE_USAGE =
  'mizan allocate KIND [--as-of YYYY-MM-DD] [--portfolio FILE] [--json] [--data-dir DIR]   (KIND: an agent, e.g. ppo_lstm)';

export const FORECASTS_USAGE =
  'mizan forecasts KIND --from YYYY-MM-DD --to YYYY-MM-DD [--symbols AAPL,MSFT] [--csv] [--allow-final-model] [--data-dir DIR]';

export const PULL_USAGE =
  'mizan pull KIND VERSION [--from-hf REPO] [--data-dir DIR]   (VERSION, or snapshot-YYYY-12-31; REPO default: MIZAN_HF_REPO; HF_TOKEN, HF_ENDPOINT)';

export const SERVE_USAGE =
  'mizan serve [--port 3000] [--host 127.0.0.1] [--data-dir DIR] [--profile smoke|local|full] [--schedules]   (--schedules: the weekly EventBridge schedules, fired here)';

export const DASHBOARD_USAGE =
  'mizan dashboard --out DIR [--data-dir DIR | --bucket B --table T --state-machine-arn ARN [--bucket-prefix P] [--region R]]   (the pages `mizan serve` shows at /, as static files)';

export const GC_USAGE =
  'mizan gc [--keep N] [--older-than DAYS] [--dry-run] [--json] [--data-dir DIR | --bucket B --table T [--bucket-prefix P] [--region R]]   (deletes versions and snapshots nothing needs; N default 3)';

export const TRAIN_USAGE =
  `mizan train KIND [--mode full|finetune] [--skip-snapshot] [--profile smoke|local|full] [--end YYYY-MM-DD] [--data-dir DIR] [--source sample|yahoo]
                   [--allow-final-model] (agents: read the forecaster's final model when it has no snapshots)
  KIND: ${MODEL_KINDS.join(', ')}`;

export const UNIVERSE_USAGE =
  'mizan universe [--as-of YYYY-MM-DD] [--json]';

const TARGET = '[--data-dir DIR | --bucket B --table T [--bucket-prefix P] [--region R]]';

export const MODELS_USAGE = `mizan models KIND ${TARGET}   (versions, metrics, snapshots, the promotion history)`;

export const PROMOTE_USAGE = `mizan promote KIND VERSION --reason TEXT [--expected-current VERSION|none] ${TARGET}`;

export const ROLLBACK_USAGE = `mizan rollback KIND [--to VERSION] --reason TEXT [--expected-current VERSION|none] ${TARGET}`;

export const PUBLISH_USAGE = `mizan publish KIND VERSION ${TARGET}   (MIZAN_HF_REPO with HF_TOKEN, or on AWS MIZAN_HF_SECRET_ARN; HF_ENDPOINT)`;
