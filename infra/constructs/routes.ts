/** The endpoints of DESIGN.md, identical locally and on AWS. One list: the HTTP API and the tests read it. */
import { AGENT_KINDS, FORECASTER_KINDS } from '../../src/config/model-kinds.ts';

export interface RouteSpec {
  method: 'GET' | 'POST';
  path: string;
}

export const TRAIN_ROUTES: RouteSpec[] = [
  ...FORECASTER_KINDS.map((kind) => ({ method: 'POST' as const, path: `/train/${kind}` })),
  ...AGENT_KINDS.flatMap((kind) => [
    { method: 'POST' as const, path: `/train/${kind}/full` },
    { method: 'POST' as const, path: `/train/${kind}/finetune` },
  ]),
];

export const READ_ROUTES: RouteSpec[] = [
  { method: 'GET', path: '/train/executions/{id}' },
  { method: 'GET', path: '/models/{kind}' },
];

export const API_ROUTES: RouteSpec[] = [...TRAIN_ROUTES, ...READ_ROUTES];
