import { describe, expect, it } from 'vitest';
import type { ModelRegistry } from '../../src/ports/model-registry.ts';

const V1 = 'v2026.01.05-aaaaaaaaaaaa';
const V2 = 'v2026.01.12-bbbbbbbbbbbb';
const V3 = 'v2026.01.19-cccccccccccc';
/** Distinct valid versions for racing writers. */
export const racer = (i: number) => `v2026.02.02-${i.toString(16).padStart(12, '0')}`;

/**
 * The behaviour every ModelRegistry must have, run against each adapter.
 * `makeRegistry` returns a fresh, empty registry for each test.
 */
export function describeModelRegistryContract(name: string, makeRegistry: () => Promise<ModelRegistry>): void {
  describe(`ModelRegistry contract: ${name}`, () => {
    it('claims an absent version as RUNNING under the given execution', async () => {
      // Prepare
      const registry = await makeRegistry();
      // Act
      const result = await registry.claim('lstm', V1, 'exec-1');
      // Assess
      expect(result.claimed).toBe(true);
      const stored = await registry.get('lstm', V1);
      expect(stored).toMatchObject({ kind: 'lstm', version: V1, status: 'RUNNING', executionId: 'exec-1' });
      expect(Number.isNaN(Date.parse(stored!.claimedAt))).toBe(false);
      expect(await registry.get('patchtst', V1)).toBeUndefined();
    });

    it('does not claim a RUNNING version and returns the existing record untouched', async () => {
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-1');
      const result = await registry.claim('lstm', V1, 'exec-2');
      expect(result.claimed).toBe(false);
      expect(result.claimed === false && result.existing).toMatchObject({ status: 'RUNNING', executionId: 'exec-1' });
      expect(await registry.get('lstm', V1)).toMatchObject({ status: 'RUNNING', executionId: 'exec-1' });
    });

    it('stores the response on complete, and a SUCCEEDED version is not claimed again', async () => {
      // Prepare
      const registry = await makeRegistry();
      const response = { version: V1, metrics: { train_loss: 0.0012, val_loss: 0.0021, baseline_loss: 0.0025 }, promoted: true, prior_version: null, hf_repo: null };
      await registry.claim('lstm', V1, 'exec-1');
      // Act
      await registry.complete('lstm', V1, response);
      const again = await registry.claim('lstm', V1, 'exec-2');
      // Assess
      const stored = await registry.get('lstm', V1);
      expect(stored).toMatchObject({ status: 'SUCCEEDED', executionId: 'exec-1' });
      expect(stored?.response).toEqual(response);
      expect(stored?.finishedAt).toBeDefined();
      expect(again.claimed).toBe(false);
      expect(again.claimed === false && again.existing.response).toEqual(response);
    });

    it('claims a FAILED version again with the new execution, dropping the old error', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.claim('ppo_lstm', V1, 'exec-1');
      await registry.fail('ppo_lstm', V1, { error: 'States.TaskFailed', cause: 'out of memory' });
      expect(await registry.get('ppo_lstm', V1)).toMatchObject({ status: 'FAILED', error: { error: 'States.TaskFailed', cause: 'out of memory' } });
      // Act
      const retry = await registry.claim('ppo_lstm', V1, 'exec-2');
      // Assess
      expect(retry.claimed).toBe(true);
      const stored = await registry.get('ppo_lstm', V1);
      expect(stored).toMatchObject({ status: 'RUNNING', executionId: 'exec-2' });
      expect(stored?.error).toBeUndefined();
    });

    it('reopens a SUCCEEDED version when asked: RUNNING under the new execution, the old response dropped', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-1');
      await registry.complete('lstm', V1, { version: V1, promoted: true });
      // Act
      const reopened = await registry.claim('lstm', V1, 'exec-1-retry2', { reopenSucceeded: true });
      // Assess
      expect(reopened.claimed).toBe(true);
      const stored = await registry.get('lstm', V1);
      expect(stored).toMatchObject({ status: 'RUNNING', executionId: 'exec-1-retry2' });
      expect(stored?.response).toBeUndefined();
      expect(stored?.finishedAt).toBeUndefined();
    });

    it('does not reopen a SUCCEEDED version without the option, nor a RUNNING one with it', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-1');
      await registry.complete('lstm', V1, { ok: 1 });
      await registry.claim('lstm', V2, 'exec-2');
      // Act
      const plain = await registry.claim('lstm', V1, 'exec-3');
      const onRunning = await registry.claim('lstm', V2, 'exec-4', { reopenSucceeded: true });
      // Assess
      expect(plain.claimed).toBe(false);
      expect(onRunning.claimed).toBe(false);
      expect(await registry.get('lstm', V1)).toMatchObject({ status: 'SUCCEEDED', executionId: 'exec-1', response: { ok: 1 } });
      expect(await registry.get('lstm', V2)).toMatchObject({ status: 'RUNNING', executionId: 'exec-2' });
    });

    it('refuses complete or fail of a version that is not RUNNING', async () => {
      const registry = await makeRegistry();
      await expect(registry.complete('lstm', V1, {})).rejects.toThrow(/ABSENT, not RUNNING/);
      await registry.claim('lstm', V1, 'exec-1');
      await registry.complete('lstm', V1, { ok: 1 });
      await expect(registry.fail('lstm', V1, { error: 'E', cause: 'c' })).rejects.toThrow(/SUCCEEDED, not RUNNING/);
      await expect(registry.complete('lstm', V1, { ok: 2 })).rejects.toThrow(/SUCCEEDED, not RUNNING/);
      expect(await registry.get('lstm', V1)).toMatchObject({ status: 'SUCCEEDED', response: { ok: 1 } });
    });

    it('fails a claim named by its execution only while that execution holds it', async () => {
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-1');
      await registry.fail('lstm', V1, { error: 'E', cause: 'first run' }, { executionId: 'exec-1' });
      await registry.claim('lstm', V1, 'exec-1-retry2');
      // A late fail of the first run must not free the retry's claim.
      await expect(registry.fail('lstm', V1, { error: 'E', cause: 'late' }, { executionId: 'exec-1' })).rejects.toThrow(/claimed by exec-1-retry2 now/);
      expect(await registry.get('lstm', V1)).toMatchObject({ status: 'RUNNING', executionId: 'exec-1-retry2' });
    });

    it('lists the versions of a kind, oldest claim first, and only that kind', async () => {
      const registry = await makeRegistry();
      await registry.claim('lstm', V2, 'exec-a');
      await new Promise((resolve) => setTimeout(resolve, 5));
      await registry.claim('lstm', V1, 'exec-b');
      await registry.claim('patchtst', V3, 'exec-c');
      await registry.complete('lstm', V2, { v: 2 });
      const listed = await registry.list('lstm');
      expect(listed.map((record) => [record.version, record.status])).toEqual([
        [V2, 'SUCCEEDED'],
        [V1, 'RUNNING'],
      ]);
      expect(await registry.list('sac_patchtst')).toEqual([]);
    });

    it('promotes by compare-and-swap: first from nothing, then only from the expected version', async () => {
      // Prepare
      const registry = await makeRegistry();
      expect(await registry.current('lstm')).toBeUndefined();
      // Act + Assess, step by step
      expect(await registry.promote('lstm', V1, V2)).toBe(false); // expects a current that does not exist
      expect(await registry.current('lstm')).toBeUndefined();
      expect(await registry.promote('lstm', undefined, V1)).toBe(true);
      expect(await registry.current('lstm')).toBe(V1);
      expect(await registry.promote('lstm', undefined, V2)).toBe(false); // a current exists now
      expect(await registry.promote('lstm', V3, V2)).toBe(false); // wrong expected
      expect(await registry.current('lstm')).toBe(V1);
      expect(await registry.promote('lstm', V1, V2)).toBe(true);
      expect(await registry.current('lstm')).toBe(V2);
      expect(await registry.current('patchtst')).toBeUndefined();
    });

    it('rejects malformed versions and kinds with a clear error, writing nothing', async () => {
      const registry = await makeRegistry();
      for (const bad of ['../../etc/passwd', 'v2026.01.05-XYZ123', 'v2026.01.05-abc', '', 'v2026.01.05-abc123/../x']) {
        await expect(registry.claim('lstm', bad, 'exec'), bad).rejects.toThrow(/invalid version/);
        await expect(registry.promote('lstm', undefined, bad), bad).rejects.toThrow(/invalid version/);
      }
      await expect(registry.claim('bogus' as never, V1, 'exec')).rejects.toThrow(/unknown model kind/);
      await expect(registry.claim('lstm', V1, '')).rejects.toThrow(/invalid executionId/);
      expect(await registry.list('lstm')).toEqual([]);
      expect(await registry.current('lstm')).toBeUndefined();
    });

    for (const racers of [2, 20]) {
      it(`lets exactly one of ${racers} racing promotions from the same prior win`, async () => {
        // Prepare
        const registry = await makeRegistry();
        await registry.promote('sac_lstm', undefined, V1);
        const candidates = Array.from({ length: racers }, (_, i) => racer(i));
        // Act
        const results = await Promise.all(candidates.map((next) => registry.promote('sac_lstm', V1, next)));
        // Assess
        const winners = candidates.filter((_, i) => results[i]);
        expect(winners).toHaveLength(1);
        expect(await registry.current('sac_lstm')).toBe(winners[0]);
      });
    }

    it('never loses a promotion when 20 writers each read-then-promote in a loop', async () => {
      // Prepare: each writer repeatedly reads current and tries to move it to its own next version.
      const registry = await makeRegistry();
      const moves: Array<[string | undefined, string]> = [];
      let counter = 0;
      const writer = async () => {
        for (let round = 0; round < 5; round++) {
          const expected = await registry.current('ppo_patchtst');
          const next = racer(++counter);
          if (await registry.promote('ppo_patchtst', expected, next)) moves.push([expected, next]);
        }
      };
      // Act
      await Promise.all(Array.from({ length: 20 }, writer));
      // Assess: the successful moves form one unbroken chain from nothing to the final pointer.
      const from = new Map(moves.map(([expected, next]) => [expected, next]));
      expect(from.size).toBe(moves.length); // no two moves from the same version
      let at: string | undefined = undefined;
      for (let i = 0; i < moves.length; i++) at = from.get(at);
      expect(moves.length).toBeGreaterThan(0);
      expect(await registry.current('ppo_patchtst')).toBe(at);
    });

    it('lets exactly one of 20 concurrent claims of the same version win', async () => {
      // Prepare
      const registry = await makeRegistry();
      // Act
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.claim('patchtst', V1, `exec-${i}`)));
      // Assess
      const winners = results.filter((result) => result.claimed);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0].claimed && winners[0].record.executionId;
      for (const result of results) if (!result.claimed) expect(result.existing.executionId).toBe(winnerId);
      expect(await registry.get('patchtst', V1)).toMatchObject({ status: 'RUNNING', executionId: winnerId });
    });

    it('lets exactly one of 20 concurrent retries of a FAILED version win', async () => {
      const registry = await makeRegistry();
      await registry.claim('patchtst', V1, 'exec-first');
      await registry.fail('patchtst', V1, { error: 'E', cause: 'crash' });
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.claim('patchtst', V1, `retry-${i}`)));
      const winners = results.filter((result) => result.claimed);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0].claimed && winners[0].record.executionId;
      expect(await registry.get('patchtst', V1)).toMatchObject({ status: 'RUNNING', executionId: winnerId });
    });

    it('lets exactly one of 20 concurrent reopen claims of a SUCCEEDED version win', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-first');
      await registry.complete('lstm', V1, { ok: 1 });
      // Act
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => registry.claim('lstm', V1, `reopen-${i}`, { reopenSucceeded: true })));
      // Assess
      const winners = results.filter((result) => result.claimed);
      expect(winners).toHaveLength(1);
      const winnerId = winners[0].claimed && winners[0].record.executionId;
      for (const result of results) if (!result.claimed) expect(result.existing).toMatchObject({ status: 'RUNNING', executionId: winnerId });
      expect(await registry.get('lstm', V1)).toMatchObject({ status: 'RUNNING', executionId: winnerId });
    });
  });

  describe(`ModelRegistry contract: ${name}: restore (undoing a promotion)`, () => {
    it('moves current back to the previous version, only from the expected one', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.promote('lstm', undefined, V1);
      await registry.promote('lstm', V1, V2);
      // Act + Assess
      expect(await registry.restore('lstm', V3, V1)).toBe(false); // not the current version
      expect(await registry.current('lstm')).toBe(V2);
      expect(await registry.restore('lstm', V2, V1)).toBe(true);
      expect(await registry.current('lstm')).toBe(V1);
      expect(await registry.restore('lstm', V2, V1)).toBe(false); // already moved back
      expect(await registry.current('lstm')).toBe(V1);
    });

    it('clears current when the undone promotion was the first, and a later first promotion works', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.promote('patchtst', undefined, V1);
      // Act
      const cleared = await registry.restore('patchtst', V1, undefined);
      // Assess
      expect(cleared).toBe(true);
      expect(await registry.current('patchtst')).toBeUndefined();
      expect(await registry.restore('patchtst', V1, undefined)).toBe(false); // nothing to clear
      expect(await registry.promote('patchtst', undefined, V2)).toBe(true);
      expect(await registry.current('patchtst')).toBe(V2);
    });

    it('does nothing without a current model, and touches no other kind', async () => {
      const registry = await makeRegistry();
      await registry.promote('ppo_lstm', undefined, V1);
      expect(await registry.restore('lstm', V1, undefined)).toBe(false);
      expect(await registry.restore('lstm', V1, V2)).toBe(false);
      expect(await registry.current('lstm')).toBeUndefined();
      expect(await registry.current('ppo_lstm')).toBe(V1);
    });

    it('lets exactly one of a racing promotion and restore from the same version win', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.promote('sac_patchtst', undefined, V1);
      await registry.promote('sac_patchtst', V1, V2);
      // Act
      const [promoted, restored] = await Promise.all([registry.promote('sac_patchtst', V2, V3), registry.restore('sac_patchtst', V2, V1)]);
      // Assess
      expect([promoted, restored].filter(Boolean)).toHaveLength(1);
      expect(await registry.current('sac_patchtst')).toBe(promoted ? V3 : V1);
    });

    it('rejects malformed versions with a clear error, moving nothing', async () => {
      const registry = await makeRegistry();
      await registry.promote('lstm', undefined, V1);
      await expect(registry.restore('lstm', '../../etc/passwd', undefined)).rejects.toThrow(/invalid version/);
      await expect(registry.restore('lstm', V1, 'v2026.01.05-abc')).rejects.toThrow(/invalid version/);
      await expect(registry.restore('bogus' as never, V1, undefined)).rejects.toThrow(/unknown model kind/);
      expect(await registry.current('lstm')).toBe(V1);
    });
  });

  describe(`ModelRegistry contract, retention: ${name}`, () => {
    it('removes a record only while it is the one expected (same execution, same status)', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-1');
      await registry.complete('lstm', V1, { v: 1 });
      await registry.claim('lstm', V2, 'exec-2');
      await registry.fail('lstm', V2, { error: 'E', cause: 'c' });
      await registry.claim('lstm', V3, 'exec-3');
      // Act + Assess: a changed execution or status, or a RUNNING record, is left alone
      expect(await registry.remove('lstm', V1, { executionId: 'exec-other', status: 'SUCCEEDED' })).toBe(false);
      expect(await registry.remove('lstm', V1, { executionId: 'exec-1', status: 'FAILED' })).toBe(false);
      expect(await registry.remove('lstm', V3, { executionId: 'exec-3', status: 'FAILED' })).toBe(false);
      expect(await registry.remove('lstm', V1, { executionId: 'exec-1', status: 'SUCCEEDED' })).toBe(true);
      expect(await registry.remove('lstm', V2, { executionId: 'exec-2', status: 'FAILED' })).toBe(true);
      expect(await registry.remove('lstm', V2, { executionId: 'exec-2', status: 'FAILED' })).toBe(false); // already gone
      expect(await registry.get('lstm', V1)).toBeUndefined();
      expect((await registry.list('lstm')).map((r) => r.version)).toEqual([V3]);
    });

    it('lets a removed version be claimed afresh, and one of a racing claim and remove win cleanly', async () => {
      // Prepare
      const registry = await makeRegistry();
      await registry.claim('lstm', V1, 'exec-1');
      await registry.fail('lstm', V1, { error: 'E', cause: 'c' });
      // Act: the retry's claim and the removal race
      const [claim, removed] = await Promise.all([registry.claim('lstm', V1, 'exec-1-retry2'), registry.remove('lstm', V1, { executionId: 'exec-1', status: 'FAILED' })]);
      // Assess: the claim always wins its record (created again if the removal came first)
      expect(claim.claimed).toBe(true);
      expect(await registry.get('lstm', V1)).toMatchObject({ status: 'RUNNING', executionId: 'exec-1-retry2' });
      expect(typeof removed).toBe('boolean');
      await expect(registry.remove('lstm', 'v2026.01.05-abc' as never, { executionId: 'e', status: 'FAILED' })).rejects.toThrow(/invalid version/);
    });
  });
}
