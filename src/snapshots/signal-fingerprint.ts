import { createHash } from 'node:crypto';
import { signalRows } from '../features/signal-channels.ts';
import type { SignalSources } from '../ports/signals.ts';
import type { DailyBar } from '../ports/market-data.ts';

/**
 * sha256 (hex) of the signal rows a snapshot reads: per symbol in sorted order, its rows on its bar
 * dates (which end at the cutoff). Like the snapshot's data fingerprint, it changes with what was
 * known by the cutoff only: news or filings dated later leave it (and the snapshot key) alone.
 */
export function fingerprintSignalRows(sources: SignalSources, barsBySymbol: ReadonlyMap<string, readonly DailyBar[]>): string {
  const hash = createHash('sha256');
  for (const symbol of [...barsBySymbol.keys()].sort()) {
    const dates = (barsBySymbol.get(symbol) ?? []).map((b) => b.date);
    // As text: NaN (no filing yet) hashes the same whatever its bit pattern.
    hash.update(`#${symbol}\n${signalRows(symbol, dates, sources).join(',')}\n`);
  }
  return hash.digest('hex');
}
