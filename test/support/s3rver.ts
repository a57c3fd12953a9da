import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface LocalS3 {
  endpoint: string;
  /** A client configured for the server: loopback endpoint, path-style, dummy credentials. */
  client(): S3Client;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

const serverScript = fileURLToPath(new URL('./s3rver-process.mjs', import.meta.url));

/**
 * s3rver on 127.0.0.1, a random port, storing in a fresh temp dir (removed on stop).
 * It runs in a child process with OpenSSL's legacy provider (see s3rver-process.mjs).
 */
export async function startS3rver(): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'mizan-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', serverScript, directory], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const firstLine = createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  const started = await Promise.race([firstLine, once(child, 'exit').then(([code]) => ({ exitCode: code }))]);
  if (!('value' in started) || typeof started.value !== 'string') {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`s3rver did not start (exit ${JSON.stringify(started)})`);
  }
  const { port } = JSON.parse(started.value) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  const client = () => {
    const made = new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    clients.push(made);
    return made;
  };
  return {
    endpoint,
    client,
    async createBucket(name) {
      await client().send(new CreateBucketCommand({ Bucket: name }));
    },
    async stop() {
      for (const made of clients) made.destroy();
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.stdin!.end();
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
