/**
 * A run's end is written even on a full disk (test/support/fail-writes.mjs, in-process): the room the
 * run held from its start is freed for it; an end larger than that room is written without its event
 * history; the room is gone afterwards in every case; a disk too full to hold the room refuses the
 * start in one line, writing nothing.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecutionStore, ROOM_BYTES } from '../../src/adapters/local-workflow/execution-store.ts';
import type { ExecutionRecord } from '../../src/ports/execution-source.ts';
import { faults } from '../support/write-faults.ts';

const ID = 'v2026.01.12-fedcba654321';

function running(): ExecutionRecord {
  return { executionId: ID, name: ID, status: 'RUNNING', startedAt: '2026-01-12T00:00:00.000Z', input: {}, states: [], events: [{ type: 'ExecutionStarted', timestamp: '2026-01-12T00:00:00.000Z' }] };
}

function ended(eventCount: number): ExecutionRecord {
  const events = Array.from({ length: eventCount }, (_, i) => ({ type: 'StateEntered', timestamp: `2026-01-12T00:00:${String(i % 60).padStart(2, '0')}.000Z`, state: `state ${i}` }));
  return { ...running(), status: 'FAILED', stoppedAt: '2026-01-12T00:01:00.000Z', error: 'States.TaskFailed', cause: 'no space left', events: [...running().events, ...events, { type: 'ExecutionFailed', timestamp: '2026-01-12T00:01:00.000Z' }] };
}

describe('an execution end on a full disk', () => {
  let dataDir: string;
  let store: ExecutionStore;
  const fillDisk = () => faults.arm({ under: dataDir, code: 'ENOSPC', at: 1 });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mizan-room-'));
    store = new ExecutionStore(dataDir);
    await store.holdRoom(ID);
    await store.write(running());
  });
  afterEach(() => faults.disarm());

  it('is written in the room the run held, which is then gone', async () => {
    // Prepare
    fillDisk();
    // Act
    await store.writeEnd(ended(10));
    // Assess
    faults.disarm();
    expect(await store.read(ID)).toEqual(ended(10));
    expect(await readdir(store.dir)).toEqual([`${ID}.json`]);
  });

  it('drops the event history when the end is larger than the room', async () => {
    // Prepare: an end of more than ROOM_BYTES
    const large = ended(1000);
    expect(JSON.stringify(large, null, 2).length).toBeGreaterThan(ROOM_BYTES);
    fillDisk();
    // Act
    await store.writeEnd(large);
    // Assess
    faults.disarm();
    const onDisk = await store.read(ID);
    expect(onDisk).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', stoppedAt: large.stoppedAt });
    expect(onDisk?.events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
    expect(await readdir(store.dir)).toEqual([`${ID}.json`]);
  });

  it('releases the room when the disk takes the end', async () => {
    // Act
    await store.writeEnd(ended(3));
    // Assess
    expect(await readdir(store.dir)).toEqual([`${ID}.json`]);
  });

  it('refuses to start when the disk cannot hold the room, writing nothing', async () => {
    // Prepare
    const other = new ExecutionStore(dataDir);
    fillDisk();
    // Act
    const start = other.holdRoom('another-execution');
    // Assess
    await expect(start).rejects.toThrow(`cannot write to ${dataDir}: no space left on device (ENOSPC)`);
    faults.disarm();
    expect((await readdir(store.dir)).filter((name) => name.includes('another-execution'))).toEqual([]);
  });
});
