import type { LocalScheduler, LocalSchedulerOptions } from '../../../infra/local/local-scheduler.ts';
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
  // The weekly schedules the EventBridge rules run on AWS, fired here through the same API handler;
  // read (and a bad expression refused) before anything starts.
  const started: { server?: LocalServer } = {};
  const scheduler = values.schedules === true ? await localScheduler(options.dataDir, io, (event) => started.server!.invoke(event)) : undefined;
  const server = (started.server = await startLocalServer({
    port: port(values.port as string | undefined, Number(io.env.PORT ?? 3000)),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    dataDir: options.dataDir,
    profile: options.profile,
    log: io.stderr,
    trainerOutput: io.stderr,
  }));
  scheduler?.start();
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

async function localScheduler(dataDir: string, io: Io, invoke: LocalSchedulerOptions['invoke']): Promise<LocalScheduler> {
  const [{ LocalScheduler }, { configuredSchedules }, { DirArtifactStore }] = await Promise.all([
    import('../../../infra/local/local-scheduler.ts'),
    import('../../../infra/local/configured-schedules.ts'),
    import('../../adapters/local/dir-artifact-store.ts'),
  ]);
  try {
    const schedules = configuredSchedules();
    const scheduler = new LocalScheduler({ schedules, store: new DirArtifactStore(dataDir), invoke, log: io.stderr });
    for (const s of schedules) io.stderr(`schedule ${s.id}: ${s.expression} (UTC) → ${s.calls.map((c) => `POST ${c.path}`).join(', ')}`);
    return scheduler;
  } catch (error) {
    // cdk.json's context is the operator's input: a bad schedule is named, and nothing starts (exit 2).
    throw new CliUsageError(`--schedules: ${(error as Error).message}`);
  }
}
