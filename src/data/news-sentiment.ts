import { join } from 'node:path';
import parquet from 'parquetjs-lite';
import { isIsoDate } from './dates.ts';
import { DEFAULT_SAMPLE_DIR } from './sample-market-data.ts';

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

/**
 * Reads a daily sentiment parquet (`date DATE, symbol VARCHAR, sentiment_score FLOAT,
 * article_count INTEGER`) with parquetjs-lite. That reader hands some numbers back as strings
 * (FLOAT and INT32 here), so every value is coerced and checked; a bad row throws naming the
 * file and the row number.
 */
export async function readNewsSentiment(file: string = DEFAULT_NEWS_SENTIMENT_FILE): Promise<NewsSentimentRow[]> {
  return readRows(await parquet.ParquetReader.openFile(file), file);
}

/** The same, from the parquet's bytes (e.g. an S3 object): `name` is used in error messages. */
export async function readNewsSentimentBytes(bytes: Uint8Array, name: string): Promise<NewsSentimentRow[]> {
  return readRows(await parquet.ParquetReader.openBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), name);
}

async function readRows(reader: Awaited<ReturnType<typeof parquet.ParquetReader.openFile>>, file: string): Promise<NewsSentimentRow[]> {
  try {
    const cursor = reader.getCursor(['date', 'symbol', 'sentiment_score', 'article_count']);
    const rows: NewsSentimentRow[] = [];
    for (let record = await cursor.next(); record !== null; record = await cursor.next()) {
      rows.push(toRow(record, file, rows.length + 1));
    }
    return rows;
  } finally {
    await reader.close();
  }
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
