// Runs s3rver in its own process: `node --openssl-legacy-provider s3rver-process.mjs DIR`.
// Why a process: s3rver 3.7 encrypts ListObjectsV2 continuation tokens with DES, which
// Node 20's OpenSSL 3 refuses unless the legacy provider is enabled for the whole process;
// in the test's own process every paginated listing would fail with an InternalError.
import process from 'node:process';
import S3rver from 's3rver';

const directory = process.argv[2];
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: process.env.S3RVER_VERBOSE !== '1', directory });
const { port } = await server.run();
process.stdout.write(JSON.stringify({ port }) + '\n');
// Stop when the parent closes our stdin (or dies), so no server outlives its test.
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.close();
  process.exit(0);
});
