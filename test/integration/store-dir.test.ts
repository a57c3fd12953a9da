import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirArtifactStore } from '../../src/adapters/local/dir-artifact-store.ts';

describe('DirArtifactStore on disk', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mizan-dirstore-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes keys as files under the root, leaving no temp files behind', async () => {
    // Prepare
    const store = new DirArtifactStore(root);
    // Act
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put('models/lstm/v2026.01.05-abc123/model.json', `{"i":${i}}`)));
    // Assess
    expect(store.location).toBe(root);
    expect(await readdir(join(root, 'models/lstm/v2026.01.05-abc123'))).toEqual(['model.json']);
  });

  it('does not list the registry symlinks or in-flight temp files as artifacts', async () => {
    // Prepare: a version dir, the current symlink to it, and a leftover temp file from a crashed write.
    const store = new DirArtifactStore(root);
    await store.put('models/lstm/v2026.01.05-abc123/model.json', '{}');
    await symlink('v2026.01.05-abc123', join(root, 'models/lstm/current'));
    await writeFile(join(root, 'models/lstm/v2026.01.05-abc123/.weights.bin.mizan-tmp-1-1'), 'partial');
    // Act
    const listed = await store.list('models/lstm');
    // Assess
    expect(listed).toEqual(['models/lstm/v2026.01.05-abc123/model.json']);
  });

  it('treats a key that names a folder as absent and deletes only folders by prefix', async () => {
    const store = new DirArtifactStore(root);
    await mkdir(join(root, 'cache/yahoo'), { recursive: true });
    await store.put('cache/file.json', '{}');
    expect(await store.get('cache/yahoo')).toBeUndefined();
    await store.deletePrefix('cache/file.json'); // a file is not a folder: nothing happens, as on S3
    expect(await store.exists('cache/file.json')).toBe(true);
  });
});
