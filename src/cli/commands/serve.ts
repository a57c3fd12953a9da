import type { LocalScheduler } from '../../../infra/local/local-scheduler.ts';
import { startLocalServer, type LocalServer } from '../../../infra/local/server.ts';
import { parseFlags, port } from '../args.ts';
import { CliUsageError } from '../cli-error.ts';
import { commonOptions, readCommonOptions, type Io } from './common.ts';
import { SERVE_USAGE } from '../usage.ts';


/** `mizan serve` (= `npm start`): the HTTP API on one machine, until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags('serve', argv, {
    'data-dir': commonOptions['data-dir'],
    profile: commonOptions.profile,
    port: { type: 'string' },
    host: { type: 'string' },
    schedules: { type: 'boolean' },
  });
  if (positionals.length > 0) throw new CliUsageError(`usage: ${SERVE_USAGE}`);
  const options = readCommonOptions(values, io.env);
  const server = await startLocalServer({
    port: port(values.port as string | undefined, Number(io.env.PORT ?? 3000)),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    dataDir: options.dataDir,
    profile: options.profile,
    log: io.stderr,
    trainerOutput: io.stderr,
  });
  // The weekly schedules the EventBridge rules run on AWS, fired here through the same API handler.
  const scheduler = values.schedules === true ? await startSchedules(server, options.dataDir, io) : undefined;
  io.stdout(`listening ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stderr('stopping: running trainer processes are ended; their runs show FAILED (interrupted) at the next start');
  await scheduler?.stop();
  await server.close();
  return 0;
}

async function startSchedules(server: LocalServer, dataDir: string, io: Io): Promise<LocalScheduler> {
  const [{ LocalScheduler }, { configuredSchedules }, { DirArtifactStore }] = await Promise.all([
    import('../../../infra/local/local-scheduler.ts'),
    import('../../../infra/local/configured-schedules.ts'),
    import('../../adapters/local/dir-artifact-store.ts'),
  ]);
  const schedules = configuredSchedules();
  const scheduler = new LocalScheduler({ schedules, store: new DirArtifactStore(dataDir), invoke: (event) => server.invoke(event), log: io.stderr });
  for (const s of schedules) io.stderr(`schedule ${s.id}: ${s.expression} (UTC) → ${s.calls.map((c) => `POST ${c.path}`).join(', ')}`);
  scheduler.start();
  return scheduler;
}
