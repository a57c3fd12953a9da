/**
 * A local stand-in for the parts of the Hugging Face Hub that @huggingface/hub calls (as read from
 * node_modules/@huggingface/hub/src/lib/{commit,create-repo,create-branch,list-files,file-download-info}.ts):
 *   POST /api/repos/create                              create a model repo (main holds .gitattributes)
 *   POST /api/models/{org}/{name}/branch/{branch}       create a branch from main (409 when it exists)
 *   POST /api/models/{org}/{name}/preupload/{branch}    which files go through LFS
 *   POST /{org}/{name}.git/info/lfs/objects/batch       where to PUT LFS objects (basic transfer)
 *   PUT  /lfs/{oid}                                     the LFS object itself (sha256 checked)
 *   POST /api/models/{org}/{name}/commit/{branch}       ndjson commit: header, file, lfsFile, deletedFile lines
 *   GET  /api/models/{org}/{name}/tree/{branch}         the branch's files (git blob oid; lfs sha256)
 *   GET  /{org}/{name}/resolve/{branch}/{path}          a file (Range requests answered with 206)
 * Files ending in .bin go through LFS, as the Hub's default .gitattributes says. Errors carry the
 * Hub's X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound). A token listed in
 * `readOnlyTokens` may read but gets 403 on every write. `fail()` injects a status or a hang.
 * Bound to 127.0.0.1 on a random port; every request is recorded for assertions.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.ts';

export interface FakeFile {
  bytes: Buffer;
  lfs: boolean;
}

export interface FakeRepo {
  private: boolean;
  branches: Map<string, Map<string, FakeFile>>;
}

export interface FakeCommit {
  repo: string;
  branch: string;
  oid: string;
  title: string;
  /** Added or updated files. */
  files: Record<string, Buffer>;
  deleted: string[];
}

/** An injected answer: a status (with the Hub's JSON error body), or no answer at all. */
export type Fault = { status: number; error?: string } | 'hang';

export interface ListedFile {
  path: string;
  size: number;
  sha256: string;
  lfs: boolean;
}

export interface FakeHub {
  url: string;
  repos: Map<string, FakeRepo>;
  commits: FakeCommit[];
  requests: Array<{ method: string; path: string }>;
  /** The next `times` requests whose "METHOD /path" matches `match` (all when omitted) get `fault`. */
  fail(fault: Fault, match?: RegExp, times?: number): void;
  /** A branch's files, by path, as the Hub would list them (undefined when there is no such branch). */
  listing(repo: string, branch: string): ListedFile[] | undefined;
  close(): Promise<void>;
}

const GITATTRIBUTES = '*.bin filter=lfs diff=lfs merge=lfs -text\n*.safetensors filter=lfs diff=lfs merge=lfs -text\n';

export async function startFakeHub(options: { token: string; readOnlyTokens?: string[]; repos?: string[] }): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const newRepo = (isPrivate: boolean): FakeRepo => ({
    private: isPrivate,
    branches: new Map([['main', new Map([['.gitattributes', { bytes: Buffer.from(GITATTRIBUTES), lfs: false }]])]]),
  });
  for (const name of options.repos ?? []) repos.set(name, newRepo(true));
  const lfsObjects = new Map<string, Buffer>();
  const commits: FakeCommit[] = [];
  const requests: Array<{ method: string; path: string }> = [];
  const faults: Array<{ fault: Fault; match: RegExp; left: number }> = [];
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown, errorCode?: string): void => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...(errorCode ? { 'X-Error-Code': errorCode } : {}) });
    res.end(JSON.stringify(body));
  };
  const repoNotFound = (res: ServerResponse) => json(res, 404, { error: 'Repository not found' }, 'RepoNotFound');
  const revisionNotFound = (res: ServerResponse, rev: string) => json(res, 404, { error: `Invalid rev id: ${rev}` }, 'RevisionNotFound');

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const parsed = new URL(req.url ?? '/', 'http://x');
    const path = parsed.pathname;
    const method = req.method ?? '';
    requests.push({ method, path });
    const body = await readBody(req);

    const fault = faults.find((f) => f.left > 0 && f.match.test(`${method} ${path}`));
    if (fault) {
      fault.left -= 1;
      if (fault.fault === 'hang') return; // never answer: the client's timeout has to end it
      return json(res, fault.fault.status, { error: fault.fault.error ?? `injected ${fault.fault.status}` });
    }

    let match: RegExpExecArray | null;
    if (method === 'PUT' && (match = /^\/lfs\/([0-9a-f]{64})$/.exec(path))) {
      const oid = match[1] as string;
      if (sha256(body) !== oid) return json(res, 400, { error: 'sha256 mismatch' });
      lfsObjects.set(oid, body);
      res.writeHead(200).end();
      return;
    }
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const canRead = token === options.token || (token !== undefined && (options.readOnlyTokens ?? []).includes(token));
    if (!canRead) return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const isWrite = method !== 'GET' && !path.endsWith('/info/lfs/objects/batch');
    if (isWrite && token !== options.token) return json(res, 403, { error: 'You have read access but not the required permissions for this operation' });

    if (method === 'POST' && path === '/api/repos/create') {
      const payload = JSON.parse(body.toString()) as { name: string; organization: string; type: string; visibility?: string };
      const name = `${payload.organization}/${payload.name}`;
      if (payload.type !== 'model') return json(res, 400, { error: `unexpected repo type ${payload.type}` });
      if (repos.has(name)) return json(res, 409, { error: 'You already created this model repo' });
      repos.set(name, newRepo(payload.visibility === 'private'));
      return json(res, 200, { url: `${url}/${name}`, id: `id-${name}` });
    }
    if (method === 'POST' && (match = /^\/api\/models\/([^/]+\/[^/]+)\/branch\/([^/]+)$/.exec(path))) {
      const repo = repos.get(match[1] as string);
      if (!repo) return repoNotFound(res);
      const branch = decodeURIComponent(match[2] as string);
      const payload = JSON.parse(body.toString() || '{}') as { startingPoint?: string; emptyBranch?: boolean; overwrite?: boolean };
      if (repo.branches.has(branch) && !payload.overwrite) return json(res, 409, { error: 'Reference already exists' });
      const from = repo.branches.get(payload.startingPoint ?? 'main');
      if (!from) return revisionNotFound(res, payload.startingPoint ?? 'main');
      repo.branches.set(branch, payload.emptyBranch ? new Map() : new Map(from));
      return json(res, 200, {});
    }
    if (method === 'POST' && (match = /^\/api\/models\/([^/]+\/[^/]+)\/preupload\/([^/]+)$/.exec(path))) {
      const repo = repos.get(match[1] as string);
      if (!repo) return repoNotFound(res);
      const branch = decodeURIComponent(match[2] as string);
      if (!repo.branches.has(branch)) return revisionNotFound(res, branch);
      const payload = JSON.parse(body.toString()) as { files: Array<{ path: string; size: number }> };
      return json(res, 200, {
        files: payload.files.map((f) => ({ path: f.path, uploadMode: isLfs(f.path) ? 'lfs' : 'regular', shouldIgnore: false })),
      });
    }
    if (method === 'POST' && (match = /^\/([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path))) {
      if (!repos.has(match[1] as string)) return repoNotFound(res);
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
    if (method === 'POST' && (match = /^\/api\/models\/([^/]+\/[^/]+)\/commit\/([^/]+)$/.exec(path))) {
      const name = match[1] as string;
      const repo = repos.get(name);
      if (!repo) return repoNotFound(res);
      const branch = decodeURIComponent(match[2] as string);
      const files = repo.branches.get(branch);
      if (!files) return revisionNotFound(res, branch);
      const lines = body.toString().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { key: string; value: Record<string, unknown> });
      const header = lines.find((l) => l.key === 'header');
      const next = new Map(files);
      const added: Record<string, Buffer> = {};
      const deleted: string[] = [];
      for (const { key, value } of lines) {
        const filePath = value.path as string;
        if (key === 'file') added[filePath] = Buffer.from(value.content as string, value.encoding === 'base64' ? 'base64' : 'utf8');
        if (key === 'lfsFile') {
          const object = lfsObjects.get(value.oid as string);
          if (!object) return json(res, 400, { error: `LFS object ${String(value.oid)} was never uploaded` });
          added[filePath] = object;
        }
        if (key === 'deletedFile') {
          if (!next.delete(filePath)) return json(res, 404, { error: `File not found: ${filePath}` }, 'EntryNotFound');
          deleted.push(filePath);
        }
      }
      for (const [filePath, bytes] of Object.entries(added)) next.set(filePath, { bytes, lfs: isLfs(filePath) });
      const unchanged = deleted.length === 0 && Object.entries(added).every(([p, b]) => files.get(p)?.bytes.equals(b));
      if (unchanged) return json(res, 400, { error: 'No files have been modified since last commit' });
      repo.branches.set(branch, next);
      const oid = sha256(Buffer.from(`${commits.length}:${body.toString()}`)).slice(0, 40);
      commits.push({ repo: name, branch, oid, title: String(header?.value.summary), files: added, deleted });
      return json(res, 200, { commitOid: oid, commitUrl: `${url}/${name}/commit/${oid}`, hookOutput: '' });
    }
    if (method === 'GET' && (match = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(path))) {
      const repo = repos.get(match[1] as string);
      if (!repo) return repoNotFound(res);
      const branch = decodeURIComponent(match[2] as string);
      const files = repo.branches.get(branch);
      if (!files) return revisionNotFound(res, branch);
      return json(
        res,
        200,
        [...files.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([filePath, file]) => {
            if (!file.lfs) return { type: 'file', oid: gitBlobSha1(file.bytes), size: file.bytes.length, path: filePath };
            const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(file.bytes)}\nsize ${file.bytes.length}\n`);
            return { type: 'file', oid: gitBlobSha1(pointer), size: file.bytes.length, path: filePath, lfs: { oid: sha256(file.bytes), size: file.bytes.length, pointerSize: pointer.length } };
          }),
      );
    }
    if (method === 'GET' && (match = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path))) {
      const repo = repos.get(match[1] as string);
      if (!repo) return repoNotFound(res);
      const branch = decodeURIComponent(match[2] as string);
      const files = repo.branches.get(branch);
      if (!files) return revisionNotFound(res, branch);
      const file = files.get(decodeURIComponent(match[3] as string));
      if (!file) return json(res, 404, { error: 'Entry not found' }, 'EntryNotFound');
      const headers = { 'Content-Type': 'application/octet-stream', ETag: `"${sha256(file.bytes)}"`, 'Accept-Ranges': 'bytes' };
      const range = /^bytes=(\d+)-(\d+)?$/.exec(req.headers.range ?? '');
      if (!range) {
        res.writeHead(200, { ...headers, 'Content-Length': file.bytes.length });
        res.end(file.bytes);
        return;
      }
      const start = Number(range[1]);
      const end = Math.min(range[2] === undefined ? file.bytes.length - 1 : Number(range[2]), file.bytes.length - 1);
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${file.bytes.length}`, 'Content-Length': end - start + 1 });
      res.end(file.bytes.subarray(start, end + 1));
      return;
    }
    json(res, 404, { error: `no route ${method} ${path}` });
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
    fail(fault, match = /./, times = 1) {
      faults.push({ fault, match, left: times });
    },
    listing(repo, branch) {
      const files = repos.get(repo)?.branches.get(branch);
      if (!files) return undefined;
      return [...files.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([filePath, file]) => ({ path: filePath, size: file.bytes.length, sha256: sha256(file.bytes), lfs: file.lfs }));
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections(); // a hung request would otherwise keep the server open
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function isLfs(path: string): boolean {
  return path.endsWith('.bin') || path.endsWith('.safetensors');
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const gitBlobSha1 = (bytes: Buffer): string => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
