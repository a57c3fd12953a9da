/**
 * Artifact keys are relative POSIX paths. Both stores validate them the same way so a key that
 * works locally works on S3 and none can escape the store's root.
 */
const MAX_KEY_LENGTH = 1024; // S3's limit, in bytes

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
}

export function assertValidKey(key: unknown): asserts key is string {
  const problem = keyProblem(key, false);
  if (problem) throw new InvalidKeyError(`invalid artifact key ${JSON.stringify(key)}: ${problem}`);
}

/**
 * A prefix names a folder: '' (everything) or a key, optionally with a trailing '/'.
 * Returns it normalised without the trailing slash.
 */
export function normalizePrefix(prefix: unknown): string {
  if (prefix === '') return '';
  const trimmed = typeof prefix === 'string' && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const problem = keyProblem(trimmed, true);
  if (problem) throw new InvalidKeyError(`invalid artifact prefix ${JSON.stringify(prefix)}: ${problem}`);
  return trimmed as string;
}

function keyProblem(key: unknown, isPrefix: boolean): string | undefined {
  if (typeof key !== 'string') return 'must be a string';
  if (key.length === 0) return 'must not be empty';
  if (Buffer.byteLength(key) > MAX_KEY_LENGTH) return `longer than ${MAX_KEY_LENGTH} bytes`;
  if (key.includes('\0')) return 'must not contain NUL';
  if (key.includes('\\')) return 'must not contain a backslash (use /)';
  if (key.startsWith('/')) return 'must be relative (no leading /)';
  for (const segment of key.split('/')) {
    if (segment === '') return isPrefix ? 'must not contain empty segments (//)' : 'must not contain empty segments (// or a trailing /)';
    if (segment === '.' || segment === '..') return `must not contain a '${segment}' segment`;
  }
  return undefined;
}
