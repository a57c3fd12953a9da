/** Checks on the static dashboard `mizan dashboard --out` writes (from a data dir or from AWS). */
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'vitest';

/** Every relative link of every written page names a written file inside `outDir`; returns the files. */
export async function expectLinksResolve(outDir: string): Promise<string[]> {
  const files = (await readdir(outDir, { recursive: true })).map((f) => f.split('\\').join('/'));
  for (const file of files.filter((f) => f.endsWith('.html'))) {
    const html = await readFile(join(outDir, file), 'utf8');
    for (const [, link] of html.matchAll(/(?:href|src)="([^"]+)"/g)) {
      if (/^https?:/.test(link)) continue;
      const target = resolve(dirname(join(outDir, file)), link);
      expect(target.startsWith(outDir + '/'), `${file} → ${link}`).toBe(true);
      expect(files, `${file} → ${link}`).toContain(target.slice(outDir.length + 1));
    }
  }
  return files;
}
