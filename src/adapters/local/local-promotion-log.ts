/**
 * The promotion history's files on one machine, for LocalModelRegistry (which holds the kind's
 * `current` lock around every write here):
 * - `registry/{kind}/promotions/{seq}.json`: one entry per move, created once (temp file, fsync,
 *   then `link()`, which refuses an existing name): never rewritten, never half-written.
 * - `registry/{kind}/promotions/pending.json`: the move about to be made, written just before the
 *   pointer moves. If the process dies after moving the pointer but before appending the entry, the
 *   next move (or a reader) finds it there and appends it (src/registry/promotion-history.ts).
 */
import { link, mkdir, open, readdir, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseEntry } from '../../registry/promotion-history.ts';
import type { PromotionEntry } from '../../ports/model-registry.ts';
import { removeQuietly } from './temp-files.ts';

const ENTRY = /^(\d{8})\.json$/;
const PENDING = 'pending.json';

let tempCounter = 0;

export class LocalPromotionLog {
  constructor(private readonly dataDir: string) {}

  /** Every entry, oldest first. */
  async entries(kind: string): Promise<PromotionEntry[]> {
    const names = (await this.names(kind)).sort();
    return Promise.all(names.map((name) => this.read(join(this.dir(kind), name)) as Promise<PromotionEntry>));
  }

  async tail(kind: string): Promise<PromotionEntry | undefined> {
    const last = (await this.names(kind)).sort().at(-1);
    return last === undefined ? undefined : this.read(join(this.dir(kind), last));
  }

  async pending(kind: string): Promise<PromotionEntry | undefined> {
    return this.read(join(this.dir(kind), PENDING));
  }

  async writePending(kind: string, entry: PromotionEntry): Promise<void> {
    const path = join(this.dir(kind), PENDING);
    const temp = await this.writeTemp(path, entry);
    try {
      await rename(temp, path);
    } catch (error) {
      await removeQuietly(temp);
      throw error;
    }
  }

  /** Appends `entry` at its seq; the same entry already there (a repeated recovery) is fine, another one is not. */
  async append(kind: string, entry: PromotionEntry): Promise<void> {
    const path = join(this.dir(kind), `${String(entry.seq).padStart(8, '0')}.json`);
    const temp = await this.writeTemp(path, entry);
    try {
      await link(temp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const there = await this.read(path);
      if (JSON.stringify(there) !== JSON.stringify(entry)) throw new Error(`${path} already holds another move: the promotion history is append-only`);
    } finally {
      await removeQuietly(temp); // linked or not, the temp goes (retried once after a transient error)
    }
  }

  private dir(kind: string): string {
    return join(this.dataDir, 'registry', kind, 'promotions');
  }

  private async names(kind: string): Promise<string[]> {
    try {
      return (await readdir(this.dir(kind))).filter((name) => ENTRY.test(name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async read(path: string): Promise<PromotionEntry | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseEntry(JSON.parse(text), path);
  }

  private async writeTemp(path: string, entry: PromotionEntry): Promise<string> {
    await mkdir(dirname(path), { recursive: true });
    const temp = join(dirname(path), `.promotion.tmp-${process.pid}-${++tempCounter}`);
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(JSON.stringify(entry, null, 2) + '\n');
      await handle.sync();
    } catch (error) {
      // A full disk refuses the write: no half-written temp file stays behind.
      await handle.close();
      await removeQuietly(temp);
      throw error;
    }
    await handle.close();
    return temp;
  }
}
