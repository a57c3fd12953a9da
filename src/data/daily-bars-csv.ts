import type { DailyBar } from '../ports/market-data.ts';
import { CsvFormatError, parseCsv, requireHeader } from './csv.ts';
import { isIsoDate } from './dates.ts';

export const DAILY_BAR_COLUMNS = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Parses a price file (`date,open,high,low,close,volume`) strictly: valid ascending unique dates,
 * finite positive prices with low <= open, close <= high, and a non-negative volume.
 * Any bad row throws a CsvFormatError naming `file` and the line.
 */
export function parseDailyBarsCsv(text: string, file: string): DailyBar[] {
  const table = parseCsv(text, file);
  requireHeader(table, DAILY_BAR_COLUMNS, file);
  const bars: DailyBar[] = [];
  let previous = '';
  for (const { line, fields } of table.rows) {
    const [date, ...rest] = fields;
    if (!isIsoDate(date)) throw new CsvFormatError(file, line, `bad date "${date}" (expected YYYY-MM-DD)`);
    if (date <= previous) throw new CsvFormatError(file, line, `date ${date} is not after the previous row's ${previous}`);
    const [open, high, low, close, volume] = rest.map((raw, i) => {
      const value = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) throw new CsvFormatError(file, line, `${DAILY_BAR_COLUMNS[i + 1]} "${raw}" is not a number`);
      return value;
    });
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) throw new CsvFormatError(file, line, 'prices must be positive');
    if (low > Math.min(open, close) || high < Math.max(open, close)) {
      throw new CsvFormatError(file, line, `inconsistent bar: low ${low} high ${high} open ${open} close ${close}`);
    }
    if (volume < 0) throw new CsvFormatError(file, line, `negative volume ${volume}`);
    bars.push(Object.freeze({ date, open, high, low, close, volume }));
    previous = date;
  }
  return bars;
}

/** Index of the first bar with date >= `date` (bars ascending). */
export function lowerBound(bars: readonly DailyBar[], date: string): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bars[mid].date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bars with start <= date <= end. */
export function sliceRange(bars: readonly DailyBar[], start: string, end: string): DailyBar[] {
  return bars.slice(lowerBound(bars, start), lowerBound(bars, addOne(end)));
}

// The smallest string greater than every bar dated `end` (dates are fixed-width).
function addOne(end: string): string {
  return `${end}\u0000`;
}
