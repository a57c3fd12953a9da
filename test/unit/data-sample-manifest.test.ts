import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_DIR } from '../../src/data/sample-dir.ts';

describe('data/sample/manifest.json', () => {
  it('lists every bundled data file with its true sha256', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(join(DEFAULT_SAMPLE_DIR, 'manifest.json'), 'utf8')) as {
      files: Record<string, { bytes: number; sha256: string }>;
    };
    const onDisk = readdirSync(DEFAULT_SAMPLE_DIR, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(DEFAULT_SAMPLE_DIR, join(e.parentPath, e.name)))
      .filter((p) => p !== 'manifest.json' && p !== 'README.md')
      .sort();
    // Act
    const actual = Object.fromEntries(
      onDisk.map((p) => {
        const bytes = readFileSync(join(DEFAULT_SAMPLE_DIR, p));
        return [p, { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }];
      }),
    );
    // Assess
    expect(onDisk).toHaveLength(45); // 40 price files, 4 fundamentals files, 1 parquet
    expect(actual).toEqual(manifest.files);
  });
});
