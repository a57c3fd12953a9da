/**
 * A small strict CSV reader (RFC 4180: quoted fields, doubled quotes, LF or CRLF).
 * Strict: every row must have as many fields as the header; a malformed file throws
 * an error naming the file and the 1-based line, never returns partial rows.
 */

export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

export interface CsvRow {
  /** 1-based line number of the row in the file (for error messages). */
  line: number;
  fields: string[];
}

export interface CsvTable {
  header: string[];
  rows: CsvRow[];
}

/** Parses `text`; `file` is only used in error messages. */
export function parseCsv(text: string, file: string): CsvTable {
  const records = splitRecords(text, file);
  if (records.length === 0) throw new CsvFormatError(file, 1, 'empty file (expected a header row)');
  const [headerRecord, ...body] = records;
  const header = headerRecord.fields;
  const rows: CsvRow[] = [];
  for (const record of body) {
    if (record.fields.length !== header.length) {
      throw new CsvFormatError(
        file,
        record.line,
        `expected ${header.length} fields (${header.join(',')}), found ${record.fields.length}`,
      );
    }
    rows.push(record);
  }
  return { header, rows };
}

/** Throws unless the header is exactly `expected` (order matters: files are written by us). */
export function requireHeader(table: CsvTable, expected: readonly string[], file: string): void {
  if (table.header.join(',') !== expected.join(',')) {
    throw new CsvFormatError(file, 1, `expected header "${expected.join(',')}", found "${table.header.join(',')}"`);
  }
}

/** Quotes a field when it needs it. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function splitRecords(text: string, file: string): CsvRow[] {
  const records: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedField = false;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = '';
    quotedField = false;
  };
  const endRecord = () => {
    endField();
    // A blank line (one empty unquoted field) is not a record; a trailing newline is fine.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i += 1;
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new CsvFormatError(file, line, 'unexpected character after a closing quote');
        }
        continue;
      }
      if (ch === '\n') line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field !== '' || quotedField) throw new CsvFormatError(file, line, 'quote inside an unquoted field');
      inQuotes = true;
      quotedField = true;
      i += 1;
    } else if (ch === ',') {
      endField();
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line += 1;
      recordLine = line;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (inQuotes) throw new CsvFormatError(file, recordLine, 'unterminated quoted field');
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return records;
}
