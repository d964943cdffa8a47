/**
 * CSV files in the form `neo4j-admin database import full` reads: a header file per column layout
 * and a data file beside it. A column's type is in its header (`time:long`), so one column cannot
 * hold a long in one row and a string in another; a row whose values have other types than the
 * group's defaults (an unsigned 64-bit value beyond 2^63-1 kept as its digits, say) goes to a file
 * of its own with its own header. Nulls are empty unquoted fields (no property), strings always
 * quoted (so "" is the empty string), arrays joined by ARRAY_DELIMITER. Rows with a value that
 * spans lines go to files of their own too: the import tool parses only the files named in
 * `--multiline-fields` (format v2) line-break-aware, which is single-threaded, and the rest in parallel.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export type CsvType = 'string' | 'long' | 'double' | 'boolean' | 'string[]' | 'long[]';

/** Between array elements (and labels): a control character no telemetry value is expected to hold; one that does is refused. */
export const ARRAY_DELIMITER = '\u001f';
/** As neo4j-admin's `--array-delimiter` takes it. */
export const ARRAY_DELIMITER_OPTION = 'U+001F';

export interface ColumnSpec {
  /** The header's name part: a property name, or `uid:ID(Event)`, `:START_ID(Event)`, `:LABEL`... */
  name: string;
  type: CsvType;
}

export interface CsvFileSet {
  /** `nodes` or `relationships`. */
  kind: 'nodes' | 'relationships';
  /** Header file then data file, as the import tool's option lists them. */
  files: [string, string];
  rows: number;
  /** The data file holds a value with a line break (the import tool must parse it multi-line). */
  multiline: boolean;
}

const FLUSH_AT = 1 << 20;

/** A JS number is what the driver sends as FLOAT; a column declared double keeps whole numbers FLOAT too. */
function typeOf(value: unknown, declared: CsvType): CsvType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return 'long';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return declared === 'double' || !Number.isInteger(value) ? 'double' : 'long';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return value.every((v) => typeof v === 'bigint') && value.length > 0 ? 'long[]' : 'string[]';
  throw new Error(`bulk import: cannot write a ${typeof value} as a CSV value`);
}

function quote(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

function element(value: unknown): string {
  const text = String(value);
  if (text.includes(ARRAY_DELIMITER)) throw new Error(`bulk import: a list value holds the array delimiter ${ARRAY_DELIMITER_OPTION}: ${JSON.stringify(text).slice(0, 200)}`);
  return text;
}

function field(value: unknown, type: CsvType): string {
  if (value === null || value === undefined) return '';
  switch (type) {
    case 'string':
      return quote(value as string);
    case 'string[]':
      return quote((value as unknown[]).map(element).join(ARRAY_DELIMITER));
    case 'long[]':
      return (value as unknown[]).map(element).join(ARRAY_DELIMITER);
    default:
      return String(value);
  }
}

class DataFile {
  private readonly fd: number;
  private buffer = '';
  rows = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  write(line: string): void {
    this.buffer += line;
    this.rows += 1;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** One group of rows with the same columns (Event nodes, PARENT edges...), split into files by the types the rows hold. */
export class CsvGroup {
  private readonly files = new Map<string, { types: CsvType[]; data: DataFile; multiline: boolean }>();
  /** True once a value held a line break: its file is then named in `--multiline-fields`. */
  multiline = false;

  constructor(
    private readonly dir: string,
    readonly name: string,
    readonly kind: 'nodes' | 'relationships',
    private readonly columns: readonly ColumnSpec[],
  ) {}

  /** `values` in the order of the columns. */
  write(values: readonly unknown[]): void {
    let signature = '';
    const types: CsvType[] = [];
    for (let i = 0; i < this.columns.length; i++) {
      const column = this.columns[i] as ColumnSpec;
      const type = typeOf(values[i], column.type) ?? column.type;
      // Keys, labels and edge ends have one type; a property takes the type of its value.
      types.push(column.name.includes(':') ? column.type : type);
      if (type !== column.type && !column.name.includes(':')) signature += `${i}${type};`;
    }
    // The types are a function of the signature, so the row can be written before its file is known.
    let line = '';
    let multiline = false;
    for (let i = 0; i < values.length; i++) {
      const text = field(values[i], types[i] as CsvType);
      if (!multiline && (text.includes('\n') || text.includes('\r'))) multiline = true;
      line += i === 0 ? text : `,${text}`;
    }
    if (multiline) {
      signature += 'multiline';
      this.multiline = true;
    }
    let file = this.files.get(signature);
    if (!file) {
      const data = new DataFile(join(this.dir, `${this.name}-${this.files.size}.csv`));
      file = { types, data, multiline };
      this.files.set(signature, file);
    }
    file.data.write(`${line}\n`);
  }

  /** Closes the data files and writes their headers; the file sets to hand to the import tool. */
  close(): CsvFileSet[] {
    const out: CsvFileSet[] = [];
    let n = 0;
    for (const { types, data, multiline } of this.files.values()) {
      data.close();
      const header = new DataFile(join(this.dir, `${this.name}-${n++}.header.csv`));
      header.write(`${this.columns.map((c, i) => headerName(c, types[i] as CsvType)).join(',')}\n`);
      header.close();
      out.push({ kind: this.kind, files: [header.path, data.path], rows: data.rows, multiline });
    }
    return out;
  }

  get rows(): number {
    let n = 0;
    for (const { data } of this.files.values()) n += data.rows;
    return n;
  }
}

function headerName(column: ColumnSpec, type: CsvType): string {
  if (column.name.includes(':')) return column.name;
  return type === 'string' ? column.name : `${column.name}:${type}`;
}
