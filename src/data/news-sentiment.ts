import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { isIsoDate } from './dates.ts';
import { DEFAULT_SAMPLE_DIR } from './sample-dir.ts';

/** One symbol's news sentiment on one trading day. */
export interface NewsSentimentRow {
  date: string; // YYYY-MM-DD
  symbol: string;
  /** -1 (negative) .. 1 (positive); 0 is neutral. */
  sentimentScore: number;
  /** Articles that day (the bundled FNSPID set has only 0/1: news or no news). */
  articleCount: number;
}

export const DEFAULT_NEWS_SENTIMENT_FILE = join(DEFAULT_SAMPLE_DIR, 'news', 'daily_sentiment.parquet');

const COLUMNS = ['date', 'symbol', 'sentiment_score', 'article_count'];

/**
 * Reads a daily sentiment parquet (`date DATE, symbol VARCHAR, sentiment_score FLOAT,
 * article_count INTEGER`) with hyparquet: pure ESM, so it loads inside the Lambdas' ESM bundles,
 * where parquetjs-lite's generated CommonJS threw in strict mode. Every value is still checked; a
 * bad row throws naming the file and the row number.
 */
export async function readNewsSentiment(file: string = DEFAULT_NEWS_SENTIMENT_FILE): Promise<NewsSentimentRow[]> {
  return readNewsSentimentBytes(await readFile(file), file); // ~100 kB: read whole
}

/** The same, from the parquet's bytes (e.g. an S3 object): `name` is used in error messages. */
export async function readNewsSentimentBytes(bytes: Uint8Array, name: string): Promise<NewsSentimentRow[]> {
  // hyparquet reads an ArrayBuffer holding the file alone; `bytes` may view a larger (pooled) buffer: copy.
  const file = new Uint8Array(bytes).buffer;
  let records: Record<string, unknown>[];
  try {
    records = await parquetReadObjects({ file, columns: COLUMNS });
  } catch (err) {
    throw new Error(`${name}: not a readable news-sentiment parquet: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return records.map((record, i) => toRow(record, name, i + 1));
}

function toRow(record: Record<string, unknown>, file: string, index: number): NewsSentimentRow {
  const fail = (detail: string) => new Error(`${file}: row ${index}: ${detail}`);
  const date = record.date instanceof Date ? record.date.toISOString().slice(0, 10) : String(record.date);
  if (!isIsoDate(date)) throw fail(`bad date ${JSON.stringify(record.date)}`);
  const symbol = record.symbol;
  if (typeof symbol !== 'string' || symbol === '') throw fail(`bad symbol ${JSON.stringify(symbol)}`);
  const sentimentScore = Number(record.sentiment_score);
  if (!Number.isFinite(sentimentScore) || sentimentScore < -1 || sentimentScore > 1) {
    throw fail(`sentiment_score ${JSON.stringify(record.sentiment_score)} is not a number in [-1, 1]`);
  }
  const articleCount = Number(record.article_count);
  if (!Number.isInteger(articleCount) || articleCount < 0) {
    throw fail(`article_count ${JSON.stringify(record.article_count)} is not a non-negative integer`);
  }
  return { date, symbol, sentimentScore, articleCount };
}
