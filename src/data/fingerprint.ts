import { createHash } from 'node:crypto';
import type { DailyBar } from '../ports/market-data.ts';

/**
 * sha256 (hex) of the bars a run reads: symbols in sorted order, each bar as
 * `date,open,high,low,close,volume` with numbers in JavaScript's shortest round-trip form.
 * Same data → same fingerprint, whatever the map's insertion order.
 */
export function fingerprintBars(barsBySymbol: ReadonlyMap<string, readonly DailyBar[]>): string {
  const hash = createHash('sha256');
  for (const symbol of [...barsBySymbol.keys()].sort()) {
    hash.update(`#${symbol}\n`);
    for (const b of barsBySymbol.get(symbol) ?? []) {
      hash.update(`${b.date},${b.open},${b.high},${b.low},${b.close},${b.volume}\n`);
    }
  }
  return hash.digest('hex');
}
