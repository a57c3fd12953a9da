import { startLocalServer } from '../../../infra/local/server.ts';
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
  io.stdout(`listening ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stderr('stopping: running trainer processes are ended; their runs show FAILED (interrupted) at the next start');
  await server.close();
  return 0;
}
