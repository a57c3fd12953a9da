import { describe, expect, it } from 'vitest';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import { computeSnapshotKey, configHash, type SnapshotKeyInputs } from '../../src/snapshots/snapshot-key.ts';

const base: SnapshotKeyInputs = {
  kind: 'lstm',
  config: LSTM_CONFIGS.smoke,
  symbols: ['AAPL', 'MSFT'],
  windowStart: '2016-01-04',
  yearEnd: '2020-12-31',
  dataFingerprint: 'a'.repeat(64),
  codeVersion: '1',
};

describe('computeSnapshotKey', () => {
  it('is the same for the same inputs, whatever the order of config keys', () => {
    // Prepare
    const reordered = { ...base, config: Object.fromEntries(Object.entries(LSTM_CONFIGS.smoke).reverse()) };
    // Act / Assess
    expect(computeSnapshotKey(reordered)).toBe(computeSnapshotKey(base));
    expect(computeSnapshotKey(base)).toMatch(/^s20201231-[0-9a-f]{16}$/);
  });

  it('changes with each input that determines the snapshot', () => {
    const key = computeSnapshotKey(base);
    const variants: SnapshotKeyInputs[] = [
      { ...base, kind: 'patchtst' },
      { ...base, config: { ...LSTM_CONFIGS.smoke, hiddenUnits: 16 } },
      { ...base, symbols: ['AAPL'] },
      { ...base, windowStart: '2016-01-11' },
      { ...base, yearEnd: '2021-12-31' },
      { ...base, dataFingerprint: 'b'.repeat(64) },
      { ...base, signalFingerprint: 'c'.repeat(64) },
      { ...base, codeVersion: '2' },
    ];
    for (const variant of variants) expect(computeSnapshotKey(variant)).not.toBe(key);
  });

  it('tells apart the signals a snapshot read, and keeps the key of a kind that reads none', () => {
    const patchtst: SnapshotKeyInputs = { ...base, kind: 'patchtst', signalFingerprint: 'c'.repeat(64) };
    expect(computeSnapshotKey({ ...patchtst, signalFingerprint: 'd'.repeat(64) })).not.toBe(computeSnapshotKey(patchtst));
    expect(computeSnapshotKey({ ...base, signalFingerprint: undefined })).toBe(computeSnapshotKey(base));
  });

  it('gives a config hash that ignores key order and sees every value', () => {
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1 }));
    expect(configHash({ a: 1, b: 2 })).not.toBe(configHash({ a: 1, b: 3 }));
  });
});
