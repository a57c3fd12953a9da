/**
 * Where model artifacts and cached data live. Keys are relative POSIX paths
 * (`models/lstm/v2026.08.14-abc123/model.json`); locally a directory, on AWS an S3 bucket.
 * Adapters must reject keys that are absolute or contain `..` segments.
 */
export interface ArtifactStore {
  /** A human-readable location, for logs (`/abs/data`, `s3://bucket`). */
  readonly location: string;
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The bytes at `key`, or undefined when absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  exists(key: string): Promise<boolean>;
  /** Every key under `prefix` (recursive), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Removes every key under `prefix` (used to clear a stale snapshot before it is rewritten). */
  deletePrefix(prefix: string): Promise<void>;
  /** Removes one key; an absent key is no error (retention deletes a commit marker first, and may be re-run). */
  delete(key: string): Promise<void>;
  /** Every key under `prefix` (recursive) with its size in bytes, sorted by key: what retention would free. */
  listSizes(prefix: string): Promise<StoredSize[]>;
}

export interface StoredSize {
  key: string;
  bytes: number;
}

export async function getText(store: ArtifactStore, key: string): Promise<string | undefined> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
}

export async function getJson<T>(store: ArtifactStore, key: string): Promise<T | undefined> {
  const text = await getText(store, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

export async function putJson(store: ArtifactStore, key: string, value: unknown): Promise<void> {
  await store.put(key, JSON.stringify(value, null, 2) + '\n');
}
