// The slice of parquetjs-lite 0.8 (untyped CommonJS) that src/data/news-sentiment.ts uses.
declare module 'parquetjs-lite' {
  interface ParquetCursor {
    next(): Promise<Record<string, unknown> | null>;
  }
  interface ParquetReader {
    getCursor(columns?: string[]): ParquetCursor;
    close(): Promise<void>;
  }
  const parquet: {
    ParquetReader: { openFile(path: string): Promise<ParquetReader>; openBuffer(buffer: Buffer): Promise<ParquetReader> };
  };
  export default parquet;
}
