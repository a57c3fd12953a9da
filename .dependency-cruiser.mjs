/**
 * The layers of mizan, checked by `npm run lint:layers` (scripts/check-layers.ts runs dependency-cruiser
 * with this file, then looks for cycles between folders). README "Layout" and docs/layers.md say the same.
 *
 * Lowest first. A folder imports folders of its own layer and of lower layers, never of a higher one:
 *   0 base           src/config, src/ports: the vocabulary (kinds, profiles, errors) and the ports, the interfaces
 *                    the domain is written against. They import nothing else of the tree.
 *   1 domain         src/data, src/features, src/universe, src/ml, src/stats, src/schedules: prices,
 *                    features, the halal universe, the tensor helpers and kernels, statistics, cron evaluation.
 *   2 models         src/models: the forecasters, the agents and the kind seam; pure training and
 *                    inference on data handed in.
 *   3 orchestration  src/pipeline, src/snapshots, src/registry, src/retention: plans, claims,
 *                    promotion, walk-forward assembly, garbage collection.
 *   4 adapters       src/adapters: every implementation of a port (local files, AWS, Hugging Face,
 *                    Alpha Vantage, Yahoo, the bundled sample, the local workflow runner).
 *     read model     src/dashboard: pages over the ports (artifact store, registry, execution source).
 *                    Adapters and dashboard sit side by side and do not import each other: the dashboard
 *                    sees only ports, and src/runtime hands it the adapters.
 *   5 composition    src/runtime: builds the adapters and the dashboard's source from the environment.
 *   6 entry points   src/cli, functions, infra (the CDK app, its constructs, the state machine, and the
 *                    same system on one machine in infra/local), containers: nothing imports them but
 *                    other entry points.
 * No cycle between folders (a folder: src/<name>, functions, containers/<name>, infra/<name>, and
 * infra's root files as "infra"); cycles between modules inside one folder are allowed.
 * The cloud and network SDKs are imported only from adapters, composition and entry points.
 */

/** The layers, lowest first: each folder a path prefix. */
const LAYERS = [
  { name: 'base', folders: ['src/config', 'src/ports'] },
  { name: 'domain', folders: ['src/data', 'src/features', 'src/universe', 'src/ml', 'src/stats', 'src/schedules'] },
  { name: 'models', folders: ['src/models'] },
  { name: 'orchestration', folders: ['src/pipeline', 'src/snapshots', 'src/registry', 'src/retention'] },
  { name: 'adapters', folders: ['src/adapters', 'src/dashboard'] },
  { name: 'composition', folders: ['src/runtime'] },
  { name: 'entry points', folders: ['src/cli', 'functions', 'infra', 'containers'] },
];

/** The folders of the folder-cycle check: what scripts/check-layers.ts and the archi report collapse modules to. */
export const FOLDER_PATTERN = '^(src/[^/]+|functions|containers/[^/]+|infra/[^/]+(?=/)|infra)';

const under = (folders) => `^(${folders.join('|')})/`;
const slug = (name) => name.replace(/ /g, '-');

/** One rule per layer below the top: nothing of it imports a folder of a higher layer. */
const upwardImports = LAYERS.slice(0, -1).map((layer, index) => {
  const lower = LAYERS.slice(0, index + 1).map((l) => l.name);
  return {
    name: `no-upward-import-from-${slug(layer.name)}`,
    severity: 'error',
    comment: `${layer.folders.join(', ')} (layer ${index} ${layer.name}) import only ${lower.join(', ')}.`,
    from: { path: under(layer.folders) },
    to: { path: under(LAYERS.slice(index + 1).flatMap((l) => l.folders)) },
  };
});

const DOMAIN_AND_BELOW = LAYERS.slice(0, 4).flatMap((l) => l.folders);

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...upwardImports,
    {
      name: 'adapters-and-dashboard-apart',
      severity: 'error',
      comment: 'src/adapters and src/dashboard share layer 4 and do not import each other: the dashboard reads ports, src/runtime composes it.',
      from: { path: under(['src/adapters', 'src/dashboard']) },
      to: { path: under(['src/adapters', 'src/dashboard']), pathNot: '^$1/' },
    },
    {
      name: 'sdk-outside-adapters',
      severity: 'error',
      comment: 'The AWS, Hugging Face, Yahoo and Step Functions emulator clients are imported by adapters, composition and entry points only.',
      from: { path: under([...DOMAIN_AND_BELOW, 'src/dashboard']) },
      to: { path: '^node_modules/(@aws-sdk/|@huggingface/hub/|yahoo-finance2/|aws-local-stepfunctions/)' },
    },
    {
      name: 'folder-not-in-a-layer',
      severity: 'error',
      comment: 'Every folder of src/, infra/, functions/ and containers/ belongs to a layer: add a new one to LAYERS in .dependency-cruiser.mjs.',
      from: { path: '^(src|infra|functions|containers)/', pathNot: under(LAYERS.flatMap((l) => l.folders)) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true, // type-only imports count: a layer's types belong to it too
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.json'],
    },
    reporterOptions: { archi: { collapsePattern: FOLDER_PATTERN } },
  },
};
