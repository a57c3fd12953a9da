import type { ScreenResult } from './shariah-screen.ts';

/**
 * The screen as a fixed-width table for `mizan universe`: one line per symbol with PASS/FAIL,
 * market cap, the three ratios, the fiscal year used and, for a failure, every reason.
 */
export function formatScreenTable(results: readonly ScreenResult[]): string {
  const header = ['symbol', 'result', 'mkt cap $bn', 'debt', 'cash', 'recv', 'FY', 'sector', 'reason'];
  const rows = results.map((r) => [
    r.symbol,
    r.passed ? 'PASS' : 'FAIL',
    r.marketCap === null ? '-' : (r.marketCap / 1e9).toFixed(1),
    ratio(r.ratios.debt),
    ratio(r.ratios.cash),
    ratio(r.ratios.receivables),
    r.statement ? String(r.statement.fiscalYear) : '-',
    r.sector ?? '-',
    r.passed ? 'passes activity and ratio screens' : r.reasons.join('; '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const numeric = new Set([2, 3, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ');
  const passed = results.filter((r) => r.passed).length;
  return [line(header), ...rows.map(line), `${passed} of ${results.length} pass`].join('\n') + '\n';
}

function ratio(value: number | null): string {
  return value === null ? '-' : `${(value * 100).toFixed(1)}%`;
}
