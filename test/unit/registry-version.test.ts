import { describe, expect, it } from 'vitest';
import { LSTM_CONFIGS } from '../../src/models/forecasters/lstm/lstm-config.ts';
import type { TrainingInputs } from '../../src/models/training-plan.ts';
import { canonicalJson, computeVersion, isVersion, VERSION_PATTERN } from '../../src/registry/version.ts';

const inputs: TrainingInputs = {
  kind: 'lstm',
  mode: 'full',
  profile: 'smoke',
  window: { start: '2016-01-04', end: '2022-12-30' },
  symbols: ['AAPL', 'MSFT', 'NVDA'],
  config: { ...LSTM_CONFIGS.smoke },
  source: 'sample',
  dataFingerprint: 'a'.repeat(64),
  codeVersion: '1',
};

/** The same object with every key, at every depth, in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  }
  return value;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('drops object keys holding undefined, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('rejects what JSON cannot carry faithfully, naming where', () => {
    expect(() => canonicalJson({ loss: Number.NaN })).toThrow(/non-finite number NaN at \$\.loss/);
    expect(() => canonicalJson([1, Number.POSITIVE_INFINITY])).toThrow(/non-finite/);
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(/unsupported object \(Date\)/);
    expect(() => canonicalJson([undefined])).toThrow(/unsupported undefined/);
    expect(() => canonicalJson(10n)).toThrow(/unsupported bigint/);
  });
});

describe('computeVersion', () => {
  it('is v{window end as YYYY.MM.DD}-{12 hex}', () => {
    const version = computeVersion(inputs);
    expect(version).toMatch(/^v2022\.12\.30-[0-9a-f]{12}$/);
    expect(isVersion(version)).toBe(true);
    expect(VERSION_PATTERN.test(version)).toBe(true);
  });

  it('gives the same version for the same inputs written in a different key order', () => {
    expect(computeVersion(reversedKeys(inputs))).toBe(computeVersion(inputs));
    expect(computeVersion(structuredClone(inputs))).toBe(computeVersion(inputs));
  });

  it('gives a new version when any input changes', () => {
    // Prepare
    const changes: Array<[string, TrainingInputs]> = [
      ['window start', { ...inputs, window: { ...inputs.window, start: '2016-01-11' } }],
      ['window end', { ...inputs, window: { ...inputs.window, end: '2022-12-23' } }],
      ['symbols', { ...inputs, symbols: ['AAPL', 'MSFT'] }],
      ['symbol order', { ...inputs, symbols: ['MSFT', 'AAPL', 'NVDA'] }],
      ['config', { ...inputs, config: { ...LSTM_CONFIGS.smoke, seed: 43 } }],
      ['fingerprint', { ...inputs, dataFingerprint: 'b'.repeat(64) }],
      ['code version', { ...inputs, codeVersion: '2' }],
      ['kind', { ...inputs, kind: 'patchtst' }],
      ['mode', { ...inputs, mode: 'finetune' }],
      ['profile', { ...inputs, profile: 'local' }],
      ['source', { ...inputs, source: 'yahoo' }],
    ];
    // Act
    const versions = changes.map(([, changed]) => computeVersion(changed));
    // Assess
    expect(new Set([computeVersion(inputs), ...versions]).size).toBe(changes.length + 1);
  });

  it('rejects a window end that is not YYYY-MM-DD', () => {
    expect(() => computeVersion({ ...inputs, window: { start: '2016-01-04', end: '2022/12/30' } })).toThrow(/window.end must be YYYY-MM-DD/);
  });
});
