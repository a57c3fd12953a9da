import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintBars } from '../../src/data/fingerprint.ts';
import { loadBars } from '../../src/data/load-bars.ts';
import { SampleMarketData } from '../../src/adapters/sample/sample-market-data.ts';

const HEADER = 'date,open,high,low,close,volume\n';
const dirs: string[] = [];

function sampleDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mizan-sample-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'prices'));
  for (const [symbol, body] of Object.entries(files)) writeFileSync(join(dir, 'prices', `${symbol}.csv`), body);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SampleMarketData on the bundled sample', () => {
  const data = new SampleMarketData();

  it('has 40 symbols ending 2026-08-14', async () => {
    // Act
    const [symbols, last] = await Promise.all([data.symbols(), data.lastDate()]);
    // Assess
    expect(symbols).toHaveLength(40);
    expect(symbols).toContain('AAPL');
    expect(symbols).not.toContain('DHR');
    expect(last).toBe('2026-08-14');
  });

  it('returns the bars inside an inclusive range, ascending, with the source values', async () => {
    // Act
    const bars = await data.dailyBars('AAPL', { start: '2004-01-02', end: '2004-01-05' });
    // Assess
    expect(bars).toEqual([
      { date: '2004-01-02', open: 0.3222758, high: 0.3252672, low: 0.3167426, close: 0.3182383, volume: 144642400 },
      { date: '2004-01-05', open: 0.3203321, high: 0.334838, low: 0.3203321, close: 0.3315484, volume: 395018400 },
    ]);
  });

  it('shares the trading days of the common window across symbols', async () => {
    // Act
    const bars = await loadBars(data, ['META', 'KO'], { start: '2012-05-18', end: '2026-08-14' });
    // Assess
    expect(bars.get('META')).toHaveLength(3580);
    expect(bars.get('KO')!.map((b) => b.date)).toEqual(bars.get('META')!.map((b) => b.date));
  });

  it('names an unknown symbol', async () => {
    // Act / Assess
    await expect(data.dailyBars('ZZZZ', { start: '2020-01-01', end: '2020-12-31' })).rejects.toThrow(/unknown symbol "ZZZZ"/);
    await expect(data.dailyBars('../etc', { start: '2020-01-01', end: '2020-12-31' })).rejects.toThrow(/unknown symbol/);
  });

  it('rejects a bad range', async () => {
    await expect(data.dailyBars('AAPL', { start: '2020-02-30', end: '2020-12-31' })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(data.dailyBars('AAPL', { start: '2021-01-01', end: '2020-12-31' })).rejects.toThrow(/after its end/);
  });
});

describe('strict CSV parsing', () => {
  const range = { start: '2000-01-01', end: '2030-01-01' };
  const cases: Array<[string, string, RegExp]> = [
    ['a wrong header', 'date,open,high,low,close,adj_close,volume\n', /X\.csv:1: expected header/],
    ['a missing field', `${HEADER}2020-01-02,1,2,0.5,1.5,100\n2020-01-03,1,2,0.5,1.5\n`, /X\.csv:3: expected 6 fields/],
    ['a non-number', `${HEADER}2020-01-02,1,2,0.5,abc,100\n`, /X\.csv:2: close "abc" is not a number/],
    ['an empty value', `${HEADER}2020-01-02,1,2,0.5,1.5,\n`, /X\.csv:2: volume "" is not a number/],
    ['a bad date', `${HEADER}2020-13-02,1,2,0.5,1.5,100\n`, /X\.csv:2: bad date "2020-13-02"/],
    ['dates out of order', `${HEADER}2020-01-03,1,2,0.5,1.5,100\n2020-01-02,1,2,0.5,1.5,100\n`, /X\.csv:3: date 2020-01-02 is not after/],
    ['a duplicate date', `${HEADER}2020-01-02,1,2,0.5,1.5,100\n2020-01-02,1,2,0.5,1.5,100\n`, /X\.csv:3: date 2020-01-02 is not after/],
    ['high below close', `${HEADER}2020-01-02,1,2,0.5,2.5,100\n`, /X\.csv:2: inconsistent bar/],
    ['a negative price', `${HEADER}2020-01-02,-1,2,0.5,1.5,100\n`, /X\.csv:2: prices must be positive/],
    ['a stray quote', `${HEADER}2020-01-02,1"",2,0.5,1.5,100\n`, /X\.csv:2: quote inside an unquoted field/],
  ];
  it.each(cases)('fails on %s, naming the file and line', async (_what, body, message) => {
    // Prepare
    const data = new SampleMarketData(sampleDir({ X: body }));
    // Act / Assess
    await expect(data.dailyBars('X', range)).rejects.toThrow(message);
  });

  it('reads a good file with CRLF line ends and no trailing newline', async () => {
    // Prepare
    const data = new SampleMarketData(sampleDir({ X: 'date,open,high,low,close,volume\r\n2020-01-02,1,2,0.5,1.5,100' }));
    // Act
    const bars = await data.dailyBars('X', range);
    // Assess
    expect(bars).toEqual([{ date: '2020-01-02', open: 1, high: 2, low: 0.5, close: 1.5, volume: 100 }]);
  });
});

describe('fingerprintBars', () => {
  const bar = { date: '2020-01-02', open: 1, high: 2, low: 0.5, close: 1.5, volume: 100 };

  it('is a sha256 hex that ignores map order and changes with any value', () => {
    // Prepare
    const a = new Map([['A', [bar]], ['B', [bar]]]);
    const b = new Map([['B', [bar]], ['A', [bar]]]);
    const changed = new Map([['A', [bar]], ['B', [{ ...bar, close: 1.51 }]]]);
    const renamed = new Map([['A', [bar]], ['C', [bar]]]);
    // Act
    const [fa, fb, fc, fr] = [a, b, changed, renamed].map(fingerprintBars);
    // Assess
    expect(fa).toMatch(/^[0-9a-f]{64}$/);
    expect(fb).toBe(fa);
    expect(fc).not.toBe(fa);
    expect(fr).not.toBe(fa);
  });

  it('is stable for the bundled sample', async () => {
    // Prepare
    const bars = await loadBars(new SampleMarketData(), ['AAPL', 'MSFT'], { start: '2020-01-01', end: '2020-12-31' });
    // Act / Assess
    expect(fingerprintBars(bars)).toBe(fingerprintBars(new Map([...bars].reverse())));
  });
});
