import { createHash } from 'node:crypto';
import { canonicalJson } from '../registry/version.ts';

/**
 * Everything that determines a snapshot. Deliberately not the plan's version: that hashes the
 * whole window's data, so it changes whenever a later price changes, while a snapshot only
 * depends on what was known at its cutoff.
 */
export interface SnapshotKeyInputs {
  kind: string;
  config: unknown;
  symbols: string[];
  windowStart: string;
  yearEnd: string;
  /** Fingerprint of the bars read up to and including the cutoff. */
  dataFingerprint: string;
  /**
   * Fingerprint of the signal rows (news sentiment, statements) read up to the cutoff; absent for a
   * kind without signal channels, so their keys do not change.
   */
  signalFingerprint?: string;
  codeVersion: string;
}

/** `s{YYYYMMDD}-{16 hex}`: same inputs, same key. */
export function computeSnapshotKey(inputs: SnapshotKeyInputs): string {
  const hash = sha256Hex(canonicalJson(inputs)).slice(0, 16);
  return `s${inputs.yearEnd.replaceAll('-', '')}-${hash}`;
}

/** A short hash of a config, to show in listings which snapshots share a config. */
export function configHash(config: unknown): string {
  return sha256Hex(canonicalJson(config)).slice(0, 12);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
