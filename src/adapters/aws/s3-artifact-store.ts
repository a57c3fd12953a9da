import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ArtifactStore, StoredSize } from '../../ports/artifact-store.ts';
import { assertValidKey, normalizePrefix } from '../artifact-key.ts';

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * The artifact store as an S3 bucket, optionally under a key prefix (`s3://bucket/prefix/...`).
 * S3 writes of one object are atomic already: a reader sees the old or the new object.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly location: string;
  private readonly root: string; // '' or 'prefix/'

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    prefix?: string,
  ) {
    const folder = prefix === undefined ? '' : normalizePrefix(prefix);
    this.root = folder === '' ? '' : `${folder}/`;
    this.location = `s3://${bucket}${folder === '' ? '' : `/${folder}`}`;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Body: body }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      if (result.Body === undefined) return new Uint8Array();
      return await result.Body.transformToByteArray();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys = await this.listObjectKeys(prefix);
    return keys.map((key) => key.slice(this.root.length)).sort();
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (normalizePrefix(prefix) === '') throw new Error('deletePrefix refuses the empty prefix (it would delete the whole store)');
    const keys = await this.listObjectKeys(prefix);
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const batch = keys.slice(i, i + DELETE_BATCH);
      const result = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (result.Errors && result.Errors.length > 0) {
        const first = result.Errors[0];
        throw new Error(`S3 DeleteObjects failed for ${result.Errors.length} keys under ${this.location}/${prefix}; first: ${first.Key} ${first.Code} ${first.Message}`);
      }
    }
  }

  /** One DeleteObject (S3 answers success for an absent key too). */
  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async listSizes(prefix: string): Promise<StoredSize[]> {
    const objects = await this.listObjects(prefix);
    return objects.map(({ key, bytes }) => ({ key: key.slice(this.root.length), bytes })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Full object keys under a folder-like prefix, following ListObjectsV2 pagination. */
  private async listObjectKeys(prefix: string): Promise<string[]> {
    return (await this.listObjects(prefix)).map((object) => object.key);
  }

  /** Full object keys and sizes under a folder-like prefix (ListObjectsV2 gives both, page by page). */
  private async listObjects(prefix: string): Promise<StoredSize[]> {
    const folder = normalizePrefix(prefix);
    const Prefix = this.root + (folder === '' ? '' : `${folder}/`);
    const objects: StoredSize[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) objects.push({ key: object.Key, bytes: object.Size ?? 0 });
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);
    return objects;
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.root + key;
  }
}

function isNotFound(error: unknown): boolean {
  // By name only: a missing bucket is a 404 too, and must fail loudly rather than read as "absent".
  const name = (error as { name?: string })?.name;
  return name === 'NoSuchKey' || name === 'NotFound';
}
