import type { WeeklyPanel } from './weekly-panel.ts';

/**
 * Moves the weight a portfolio targets on a symbol that no longer trades in `week` (the panel's
 * `tradable` 0: it stopped trading and was sold at its last price) to cash, in place. Caps still
 * hold: stocks only shrink and cash only grows.
 */
export function holdUntradableAsCash(target: { [i: number]: number; length: number }, panel: Pick<WeeklyPanel, 'tradable' | 'symbols'>, week: number): void {
  const { tradable } = panel;
  if (!tradable) return;
  const S = panel.symbols.length;
  for (let i = 0; i < S; i++) {
    if (tradable[week * S + i] === 1) continue;
    target[S] += target[i];
    target[i] = 0;
  }
}
