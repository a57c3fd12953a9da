/**
 * `node bin/run-ts.mjs infra/local/serve.ts --port P --data-dir D --profile smoke|local|full`:
 * runs the local server as its own process (tests start and kill it; `mizan serve` is the CLI's way).
 * Prints `listening URL` on stdout once ready.
 */
import { parseArgs } from 'node:util';
import { isProfileName } from '../../src/config/profiles.ts';
import { startLocalServer } from './server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '3000' }, 'data-dir': { type: 'string', default: './data' }, profile: { type: 'string', default: 'local' } },
});
const profile = values.profile ?? 'local';
if (!isProfileName(profile)) {
  process.stderr.write(`unknown profile ${profile}\n`);
  process.exit(2);
}
const server = await startLocalServer({ port: Number(values.port), dataDir: values['data-dir'] ?? './data', profile });
process.stdout.write(`listening ${server.url}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
