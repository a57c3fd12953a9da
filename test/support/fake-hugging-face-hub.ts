/**
 * A local stand-in for the parts of the Hugging Face Hub that @huggingface/hub's `createRepo` and
 * `commit` call (as read from node_modules/@huggingface/hub/src/lib/{commit,create-repo}.ts):
 *   POST /api/repos/create                              create a model repo
 *   POST /api/models/{org}/{name}/preupload/{branch}    which files go through LFS
 *   POST /{org}/{name}.git/info/lfs/objects/batch       where to PUT LFS objects (basic transfer)
 *   PUT  /lfs/{oid}                                     the LFS object itself (sha256 checked)
 *   POST /api/models/{org}/{name}/commit/{branch}       ndjson commit: header, file, lfsFile lines
 * Files ending in .bin go through LFS, like the Hub's default .gitattributes does.
 * Bound to 127.0.0.1 on a random port; every request is recorded for assertions.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCommit {
  repo: string;
  oid: string;
  title: string;
  files: Record<string, Buffer>;
}

export interface FakeHub {
  url: string;
  repos: Map<string, { private: boolean; files: Record<string, Buffer> }>;
  commits: FakeCommit[];
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

export async function startFakeHub(options: { token: string; repos?: string[] }): Promise<FakeHub> {
  const repos = new Map<string, { private: boolean; files: Record<string, Buffer> }>();
  for (const name of options.repos ?? []) repos.set(name, { private: true, files: {} });
  const lfsObjects = new Map<string, Buffer>();
  const commits: FakeCommit[] = [];
  const requests: Array<{ method: string; path: string }> = [];
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? '', path });
    const body = await readBody(req);
    let match: RegExpExecArray | null;

    if (req.method === 'PUT' && (match = /^\/lfs\/([0-9a-f]{64})$/.exec(path))) {
      const oid = match[1] as string;
      if (sha256(body) !== oid) return json(res, 400, { error: 'sha256 mismatch' });
      lfsObjects.set(oid, body);
      res.writeHead(200).end();
      return;
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'Invalid credentials in Authorization header' });

    if (req.method === 'POST' && path === '/api/repos/create') {
      const payload = JSON.parse(body.toString()) as { name: string; organization: string; type: string; visibility?: string };
      const name = `${payload.organization}/${payload.name}`;
      if (payload.type !== 'model') return json(res, 400, { error: `unexpected repo type ${payload.type}` });
      if (repos.has(name)) return json(res, 409, { error: 'You already created this model repo' });
      repos.set(name, { private: payload.visibility === 'private', files: {} });
      return json(res, 200, { url: `${url}/${name}`, id: `id-${name}` });
    }
    if (req.method === 'POST' && (match = /^\/api\/models\/([^/]+\/[^/]+)\/preupload\/main$/.exec(path))) {
      if (!repos.has(match[1] as string)) return json(res, 404, { error: 'Repository not found' });
      const payload = JSON.parse(body.toString()) as { files: Array<{ path: string; size: number }> };
      return json(res, 200, {
        files: payload.files.map((f) => ({ path: f.path, uploadMode: f.path.endsWith('.bin') ? 'lfs' : 'regular', shouldIgnore: false })),
      });
    }
    if (req.method === 'POST' && (match = /^\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path))) {
      if (!repos.has(match[1] as string)) return json(res, 404, { error: 'Repository not found' });
      const payload = JSON.parse(body.toString()) as { operation: string; objects: Array<{ oid: string; size: number }> };
      return json(res, 200, {
        transfer: 'basic',
        objects: payload.objects.map((o) => ({
          oid: o.oid,
          size: o.size,
          ...(lfsObjects.has(o.oid) ? {} : { actions: { upload: { href: `${url}/lfs/${o.oid}` } } }),
        })),
      });
    }
    if (req.method === 'POST' && (match = /^\/api\/models\/([^/]+\/[^/]+)\/commit\/main$/.exec(path))) {
      const name = match[1] as string;
      const repo = repos.get(name);
      if (!repo) return json(res, 404, { error: 'Repository not found' });
      const lines = body.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { key: string; value: Record<string, unknown> });
      const header = lines.find((l) => l.key === 'header');
      const files: Record<string, Buffer> = {};
      for (const { key, value } of lines) {
        if (key === 'file') files[value.path as string] = Buffer.from(value.content as string, value.encoding === 'base64' ? 'base64' : 'utf8');
        if (key === 'lfsFile') {
          const object = lfsObjects.get(value.oid as string);
          if (!object) return json(res, 400, { error: `LFS object ${String(value.oid)} was never uploaded` });
          files[value.path as string] = object;
        }
      }
      const oid = sha256(Buffer.from(`${commits.length}:${body.toString()}`)).slice(0, 40);
      Object.assign(repo.files, files);
      commits.push({ repo: name, oid, title: String(header?.value.summary), files });
      return json(res, 200, { commitOid: oid, commitUrl: `${url}/${name}/commit/${oid}`, hookOutput: '' });
    }
    json(res, 404, { error: `no route ${req.method} ${path}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    repos,
    commits,
    requests,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
