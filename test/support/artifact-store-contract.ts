import { describe, expect, it } from 'vitest';
import type { ArtifactStore } from '../../src/ports/artifact-store.ts';

const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

export const BAD_KEYS = ['', '/abs/key', 'a/../b', '../escape', 'a//b', 'a/b/', './a', 'a/./b', 'nul\0byte', 'back\\slash'];

/**
 * The behaviour every ArtifactStore must have, run against each adapter.
 * `makeStore` returns a fresh, empty store for each test.
 */
/**
 * `serverTearsRacingPuts`: the test server writes an object in place while another PUT of the same
 * key streams (s3rver does; S3 itself makes every PUT atomic), so the torn-write race below tests
 * the server, not the adapter, and is left out for it.
 */
export function describeArtifactStoreContract(name: string, makeStore: () => Promise<ArtifactStore>, options: { serverTearsRacingPuts?: boolean } = {}): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    it('returns what was put, as bytes, for text and binary bodies', async () => {
      // Prepare
      const store = await makeStore();
      const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
      // Act
      await store.put('models/lstm/v2026.01.05-abc123/metadata.json', '{"é":"ü ✓"}');
      await store.put('models/lstm/v2026.01.05-abc123/weights.bin', binary);
      // Assess
      expect(text(await store.get('models/lstm/v2026.01.05-abc123/metadata.json'))).toBe('{"é":"ü ✓"}');
      expect(await store.get('models/lstm/v2026.01.05-abc123/weights.bin')).toEqual(binary);
    });

    it('overwrites a key with the new body', async () => {
      const store = await makeStore();
      await store.put('cache/a.json', 'old, and longer than the new body');
      await store.put('cache/a.json', 'new');
      expect(text(await store.get('cache/a.json'))).toBe('new');
    });

    it('answers undefined / false for missing keys and for folders', async () => {
      const store = await makeStore();
      await store.put('models/lstm/v1/model.json', '{}');
      expect(await store.get('models/lstm/v1/absent.json')).toBeUndefined();
      expect(await store.get('never/written')).toBeUndefined();
      expect(await store.get('models/lstm')).toBeUndefined();
      expect(await store.exists('never/written')).toBe(false);
      expect(await store.exists('models/lstm')).toBe(false);
      expect(await store.exists('models/lstm/v1/model.json')).toBe(true);
    });

    it('lists every key under a folder prefix, recursively, sorted, as full keys', async () => {
      // Prepare
      const store = await makeStore();
      for (const key of ['models/lstm/v2/model.json', 'models/lstm/v1/weights.bin', 'models/lstm/v1/model.json', 'models/lstm_other/x.json', 'models/ppo_lstm/v1/model.json', 'top.txt']) {
        await store.put(key, key);
      }
      // Act
      const underLstm = await store.list('models/lstm');
      const underLstmSlash = await store.list('models/lstm/');
      const all = await store.list('');
      // Assess
      expect(underLstm).toEqual(['models/lstm/v1/model.json', 'models/lstm/v1/weights.bin', 'models/lstm/v2/model.json']);
      expect(underLstmSlash).toEqual(underLstm);
      expect(all).toEqual([
        'models/lstm/v1/model.json',
        'models/lstm/v1/weights.bin',
        'models/lstm/v2/model.json',
        'models/lstm_other/x.json',
        'models/ppo_lstm/v1/model.json',
        'top.txt',
      ]);
      expect(await store.list('nothing/here')).toEqual([]);
    });

    it('deletes every key under a prefix and nothing else', async () => {
      // Prepare
      const store = await makeStore();
      for (const key of ['snapshots/lstm/2015-12-31/model.json', 'snapshots/lstm/2015-12-31/weights.bin', 'snapshots/lstm/2016-12-31/model.json', 'snapshots/lstm/2015-12-31x/keep.json']) {
        await store.put(key, key);
      }
      // Act
      await store.deletePrefix('snapshots/lstm/2015-12-31');
      await store.deletePrefix('not/there'); // no-op
      // Assess
      expect(await store.list('')).toEqual(['snapshots/lstm/2015-12-31x/keep.json', 'snapshots/lstm/2016-12-31/model.json']);
      expect(await store.get('snapshots/lstm/2015-12-31/model.json')).toBeUndefined();
    });

    it('deletes more keys than one S3 DeleteObjects batch holds', async () => {
      const store = await makeStore();
      const keys = Array.from({ length: 1005 }, (_, i) => `bulk/${String(i).padStart(4, '0')}.txt`);
      for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((key) => store.put(key, 'x')));
      expect(await store.list('bulk')).toHaveLength(1005);
      await store.deletePrefix('bulk');
      expect(await store.list('bulk')).toEqual([]);
    });

    it('deletes one key (an absent one is no error) and lists keys with their sizes', async () => {
      // Prepare
      const store = await makeStore();
      await store.put('models/lstm/v1/metadata.json', '{"é":1}');
      await store.put('models/lstm/v1/weights.bin', new Uint8Array(300));
      await store.put('models/lstm/v2/metadata.json', '{}');
      // Act
      const sizes = await store.listSizes('models/lstm');
      await store.delete('models/lstm/v1/metadata.json');
      await store.delete('models/lstm/v1/metadata.json');
      await store.delete('never/written.json');
      // Assess
      expect(sizes).toEqual([
        { key: 'models/lstm/v1/metadata.json', bytes: 8 },
        { key: 'models/lstm/v1/weights.bin', bytes: 300 },
        { key: 'models/lstm/v2/metadata.json', bytes: 2 },
      ]);
      expect(await store.list('models/lstm')).toEqual(['models/lstm/v1/weights.bin', 'models/lstm/v2/metadata.json']);
      expect(await store.listSizes('nothing/here')).toEqual([]);
      await expect(store.delete('../escape')).rejects.toThrow(/invalid artifact key/);
    });

    it('refuses to delete the whole store', async () => {
      const store = await makeStore();
      await store.put('keep.txt', 'x');
      await expect(store.deletePrefix('')).rejects.toThrow(/empty prefix/);
      expect(await store.list('')).toEqual(['keep.txt']);
    });

    it('rejects unsafe keys with a clear error and writes nothing', async () => {
      const store = await makeStore();
      for (const key of BAD_KEYS) {
        await expect(store.put(key, 'x'), key).rejects.toThrow(/invalid artifact key/);
        await expect(store.get(key), key).rejects.toThrow(/invalid artifact key/);
        await expect(store.exists(key), key).rejects.toThrow(/invalid artifact key/);
      }
      for (const prefix of ['/abs', '../up', 'a/../b', 'a//b']) {
        await expect(store.list(prefix), prefix).rejects.toThrow(/invalid artifact prefix/);
        await expect(store.deletePrefix(prefix), prefix).rejects.toThrow(/invalid artifact prefix/);
      }
      expect(await store.list('')).toEqual([]);
    });

    it.skipIf(options.serverTearsRacingPuts === true)('never exposes a partial body while 20 writers race on one key', async () => {
      // Prepare: bodies of different lengths, so a torn write would show as a wrong length or mix.
      const store = await makeStore();
      const bodies = Array.from({ length: 20 }, (_, i) => `${i}:`.padEnd(10_000 + i * 997, String.fromCharCode(97 + i)));
      // Act
      const reads: Array<string | undefined> = [];
      await Promise.all([
        ...bodies.map((body) => store.put('race/one.txt', body)),
        ...Array.from({ length: 10 }, async () => reads.push(text(await store.get('race/one.txt')))),
      ]);
      // Assess
      const final = text(await store.get('race/one.txt'));
      expect(bodies).toContain(final);
      for (const read of reads) if (read !== undefined) expect(bodies).toContain(read);
      expect(await store.list('race')).toEqual(['race/one.txt']);
    });
  });
}
