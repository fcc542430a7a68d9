import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { badRequest, TernError } from '../../src-common/contract/errors.js';
import { Decimal } from '../engine/model/decimal.js';
import type { Bar } from '../engine/ports/market-data.js';

/**
 * Candle CSV files: `timestamp,open,high,low,close,volume`, one bar a line,
 * timestamp = the bar's open time in epoch ms, numbers as plain decimals.
 *
 * The parser works on bytes and writes Float64Array columns, because a
 * backtest imports millions of rows and a Decimal per field would dominate
 * the import. The exact decimal text of every field stays reachable
 * (`CandleSeries.text`, `.bar`), so money never has to come from a double:
 * the doubles are for scanning, charts and checks; Decimals are made on
 * demand from the original text. The file's bytes are not kept for that
 * (a file is read in chunks): a field written plainly with at most 15
 * significant digits is its double and its count of decimals, from which its
 * text is written again digit for digit; a row with any other field (more
 * digits, a sign, an exponent, spaces, leading zeros) keeps its line.
 *
 * Accepted: an optional header line (exactly these six names), an optional
 * UTF-8 BOM, LF or CRLF line ends, blank lines at the end. Refused, with the
 * line number and column: a wrong column count, a field that is not a
 * decimal number, a timestamp that is not a non-negative integer or is not
 * after the previous row's, a price ≤ 0, a volume < 0, high below
 * max(open, close), low above min(open, close), a blank line between rows.
 * Gaps in time and flat bars are data, kept as given.
 */

export const CANDLE_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleColumn = (typeof CANDLE_COLUMNS)[number];

/** A parsed candle file (or one batch of it), column by column. */
export class CandleSeries {
  constructor(
    readonly length: number,
    /** bar open times, epoch ms (integers) */
    readonly ts: Float64Array,
    readonly open: Float64Array,
    readonly high: Float64Array,
    readonly low: Float64Array,
    readonly close: Float64Array,
    readonly volume: Float64Array,
    /** the most decimal places any price (open/high/low/close) is written with, trailing zeros ignored */
    readonly priceDecimals: number,
    /** per row, the decimals each of open, high, low, close and volume is written with (trailing zeros included) */
    private readonly decimals: Uint8Array,
    /** the lines of the rows whose text is not rebuilt from the columns, by row */
    private readonly verbatim: ReadonlyMap<number, string>,
    /** the file line number of row 0 (1-based) — rows are consecutive lines only when no blank line sits between them, which is refused */
    readonly firstLine: number,
  ) {}

  /** The field exactly as written in the file (surrounding spaces trimmed). */
  text(row: number, column: CandleColumn): string {
    this.checkRow(row);
    const c = column === 'open' ? 1 : column === 'high' ? 2 : column === 'low' ? 3 : column === 'close' ? 4 : column === 'volume' ? 5 : 0;
    const line = this.verbatim.get(row);
    if (line !== undefined) return (line.split(',')[c] ?? '').trim();
    if (c === 0) return String(this.ts[row]!);
    const value = c === 1 ? this.open[row]! : c === 2 ? this.high[row]! : c === 3 ? this.low[row]! : c === 4 ? this.close[row]! : this.volume[row]!;
    return plainText(value, this.decimals[row * 5 + c - 1]!);
  }

  /** Row `row` as a Bar with exact Decimals made from the file's text. */
  bar(row: number): Bar {
    return {
      ts: this.ts[row]!,
      open: new Decimal(this.text(row, 'open')),
      high: new Decimal(this.text(row, 'high')),
      low: new Decimal(this.text(row, 'low')),
      close: new Decimal(this.text(row, 'close')),
      volume: new Decimal(this.text(row, 'volume')),
    };
  }

  /** Rows [start, end) as Bars. Costs five Decimals a row: for big files prefer the columns. */
  toBars(start = 0, end = this.length): Bar[] {
    const out: Bar[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.bar(i));
    return out;
  }

  private checkRow(row: number): void {
    if (!Number.isInteger(row) || row < 0 || row >= this.length) {
      throw badRequest(`candle row ${row} is out of range (0..${this.length - 1})`, { row });
    }
  }
}

/** bytes read from a candle file at a time: the whole file is never in memory at once (touching fresh memory is what a big import costs most) */
const READ_CHUNK = 1 << 20;

/** Reads a whole candle file, a chunk at a time, into one series. */
export function readCandleSeries(path: string): CandleSeries {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw cannotRead(path, err);
  }
  try {
    const size = fstatSync(fd).size;
    const state = newState(path);
    let buf = Buffer.allocUnsafe(Math.max(64, Math.min(size + 1, READ_CHUNK)));
    let have = 0;
    let out: Columns | null = null;
    for (;;) {
      // a line longer than the buffer: a bigger one
      if (have === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      let read: number;
      try {
        read = readSync(fd, buf, have, buf.length - have, null);
      } catch (err) {
        throw cannotRead(path, err);
      }
      have += read;
      out ??= new Columns(estimateRows(buf.subarray(0, have), size));
      const stop = parseRange(buf, 0, have, read === 0, state, out);
      if (read === 0) break;
      buf.copyWithin(0, stop, have);
      have -= stop;
    }
    return out.toSeries(state);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole candle file as Bars (five Decimals a row: fine for thousands of rows, slow for millions). */
export function readCandleCsv(path: string): Bar[] {
  return readCandleSeries(path).toBars();
}

/** Parses candle CSV text (or its bytes). `source` names the input in error messages. */
export function parseCandleSeries(input: string | Uint8Array, source?: string): CandleSeries {
  // a Buffer, for its native indexOf (memchr) when looking for line ends
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const state = newState(source);
  const out = new Columns(estimateRows(buf, buf.length));
  parseRange(buf, 0, buf.length, true, state, out);
  return out.toSeries(state);
}

export function parseCandleCsv(text: string, source?: string): Bar[] {
  return parseCandleSeries(text, source).toBars();
}

/**
 * Reads a candle file of any size in batches, one CandleSeries per chunk of
 * about `chunkBytes` bytes (at least one whole line each; empty batches are
 * skipped). Rules and line numbers are those of the whole file: a timestamp
 * is checked against the previous batch's last one.
 */
export async function* streamCandleCsv(path: string, options: { chunkBytes?: number } = {}): AsyncGenerator<CandleSeries> {
  const chunkBytes = options.chunkBytes ?? 4 << 20;
  if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw badRequest('chunkBytes must be a positive integer', { chunkBytes });
  const state = newState(path);
  let leftover: Buffer = Buffer.alloc(0);
  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = leftover.length > 0 ? Buffer.concat([leftover, chunk]) : chunk;
      const out = new Columns(1024);
      const stop = parseRange(buf, 0, buf.length, false, state, out);
      leftover = Buffer.from(buf.subarray(stop));
      if (out.n > 0) yield out.toSeries(state);
    }
  } catch (err) {
    throw err instanceof TernError ? err : cannotRead(path, err);
  } finally {
    stream.destroy();
  }
  const out = new Columns(16);
  parseRange(leftover, 0, leftover.length, true, state, out);
  if (out.n > 0) yield out.toSeries(state);
}

// ---------------------------------------------------------------------------
// the parser

/** Rows to allocate for: the size (`total` bytes) over the second line's length in `buf`, with a margin (growing copies every column). */
function estimateRows(buf: Buffer, total: number): number {
  const first = buf.indexOf(LF);
  const second = first === -1 ? -1 : buf.indexOf(LF, first + 1);
  if (second === -1) return 16;
  return Math.ceil((total / (second - first)) * 1.1) + 16;
}

const LF = 10;
const CR = 13;
const COMMA = 44;
const DOT = 46;
const ZERO_CHAR = 48;
/** 10^k for k ≤ 22 are exact doubles, so m / 10^k (m < 2^53) is the correctly rounded value, same as Number(text) */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** a decimal with at most 15 significant digits maps to its own double: comparing doubles is comparing the decimals */
const EXACT_DIGITS = 15;
const HEADER_NAMES = CANDLE_COLUMNS.join(',');
const GENERAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

interface ParseState {
  source: string | undefined;
  /** number of the next line to read, 1-based */
  line: number;
  /** the previous row's timestamp and line, for the increasing-time rule */
  lastTs: number;
  lastTsLine: number;
  /** a blank line seen since the last row: an error if another row follows */
  blankLine: number;
  priceDecimals: number;
}

function newState(source: string | undefined): ParseState {
  return { source, line: 1, lastTs: -1, lastTsLine: 0, blankLine: 0, priceDecimals: 0 };
}

class Columns {
  n = 0;
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** five per row: see CandleSeries.decimals */
  decimals: Uint8Array;
  readonly verbatim = new Map<number, string>();
  /** the line number of this batch's first row */
  firstLine = 0;

  constructor(private capacity: number) {
    this.ts = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
    this.decimals = new Uint8Array(capacity * 5);
  }

  grow(): void {
    const capacity = this.capacity * 2;
    const bigger = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.ts = bigger(this.ts);
    this.open = bigger(this.open);
    this.high = bigger(this.high);
    this.low = bigger(this.low);
    this.close = bigger(this.close);
    this.volume = bigger(this.volume);
    const decimals = new Uint8Array(capacity * 5);
    decimals.set(this.decimals);
    this.decimals = decimals;
    this.capacity = capacity;
  }

  toSeries(state: ParseState): CandleSeries {
    const n = this.n;
    // a view when little room is unused, a copy otherwise (so that a small batch does not pin a big array)
    const fit = n >= this.capacity * 0.8;
    const cut = <T extends Float64Array | Uint8Array>(a: T, per = 1): T => (fit ? (a.subarray(0, n * per) as T) : (a.slice(0, n * per) as T));
    return new CandleSeries(
      n,
      cut(this.ts),
      cut(this.open),
      cut(this.high),
      cut(this.low),
      cut(this.close),
      cut(this.volume),
      state.priceDecimals,
      cut(this.decimals, 5),
      this.verbatim,
      this.firstLine,
    );
  }
}

// Results of scanNumber, kept in module variables so that a field costs no allocation.
let scanEnd = 0;
let scanDecimals = 0;
let scanExact = true;
/** the field's decimals as written (trailing zeros included), or -1 when its text cannot be written again from its double (plainText) */
let scanWritten = -1;

/**
 * Scans the decimal number starting at `pos`, up to the next comma, CR, LF
 * or `end`. Returns its value (NaN if the field is not a number) and sets
 * scanEnd (the index of the byte after the field), scanDecimals (decimal
 * places without trailing zeros) and scanExact (at most 15 significant digits).
 */
function scanNumber(buf: Uint8Array, pos: number, end: number): number {
  // Kept lean: this loop runs for every byte of a file with millions of rows.
  let mantissa = 0;
  let dot = -1;
  let i = pos;
  for (; i < end; i++) {
    const c = buf[i]!;
    const d = c - ZERO_CHAR;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
    } else if (c === COMMA || c === LF || c === CR) {
      break;
    } else if (c === DOT && dot < 0) {
      dot = i;
    } else {
      return scanGeneral(buf, pos, end);
    }
  }
  scanEnd = i;
  const fractionDigits = dot < 0 ? 0 : i - dot - 1;
  if (i - pos - (dot < 0 ? 0 : 1) === 0) return NaN;
  let lastNonZero = i;
  while (lastNonZero - 1 > dot && dot >= 0 && buf[lastNonZero - 1] === ZERO_CHAR) lastNonZero--;
  scanDecimals = dot < 0 ? 0 : lastNonZero - dot - 1;
  // the mantissa counts the significant digits (trailing zeros too): below 10^15 it has at most 15
  scanExact = mantissa < 1e15;
  if (!scanExact || fractionDigits >= POW10.length) {
    scanWritten = -1;
    return Number(latin1(buf, pos, i));
  }
  // plainText writes it back when it has a whole part, no leading zero before another digit, and digits after its dot
  const wholeDigits = (dot < 0 ? i : dot) - pos;
  scanWritten = wholeDigits === 0 || (wholeDigits > 1 && buf[pos] === ZERO_CHAR) || dot === i - 1 ? -1 : fractionDigits;
  return fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits]!;
}

/** The rare forms (spaces, a sign, an exponent) go through the general grammar. */
function scanGeneral(buf: Uint8Array, pos: number, end: number): number {
  let i = pos;
  while (i < end && buf[i] !== COMMA && buf[i] !== LF && buf[i] !== CR) i++;
  scanEnd = i;
  const text = latin1(buf, pos, i).trim();
  if (!GENERAL_NUMBER.test(text)) return NaN;
  const exact = new Decimal(text);
  scanDecimals = Math.max(0, exact.decimalPlaces());
  scanExact = exact.precision(true) <= EXACT_DIGITS;
  scanWritten = -1;
  return Number(text);
}

const rowValues = new Float64Array(6);

/**
 * Parses the lines in buf[pos, len). When `final` is false, stops before a
 * last line that has no line end yet and returns where it starts.
 */
function parseRange(buf: Uint8Array, pos: number, len: number, final: boolean, st: ParseState, out: Columns): number {
  if (st.line === 1 && pos === 0 && len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
  // Only whole lines are parsed: up to the last LF, or to the end when no more bytes will come.
  const limit = final ? len : buf.lastIndexOf(LF, len - 1) + 1;
  while (pos < limit) {
    const line = st.line++;
    const lineStart = pos;
    const first = buf[pos]!;
    if (first === LF || (first === CR && (pos + 1 === limit || buf[pos + 1] === LF))) {
      if (st.blankLine === 0) st.blankLine = line;
      pos += first === LF ? 1 : 2;
      continue;
    }
    if (st.blankLine !== 0) throw rowError(st, st.blankLine, undefined, 'is empty; blank lines are allowed only at the end of the file');
    if (line === 1 && isHeaderLine(first)) {
      const lineEnd = endOfLine(buf, pos, limit);
      const header = latin1(buf, lineStart, lineEnd).replace(/\s+/g, '').toLowerCase();
      // errors say what is wrong, never what the file says (it may not be a candle file at all)
      if (header !== HEADER_NAMES) {
        throw rowError(st, line, undefined, `is neither the header "${HEADER_NAMES}" nor a candle row (6 numbers)`);
      }
      pos = afterLine(buf, lineEnd, limit);
      continue;
    }

    let p = lineStart;
    let inexact = false;
    let written = true;
    const at = out.n === out.ts.length ? (out.grow(), out.n * 5) : out.n * 5;
    for (let c = 0; c < 6; c++) {
      const value = scanNumber(buf, p, limit);
      if (Number.isNaN(value)) {
        if (p === scanEnd && c > 0 && buf[p] !== COMMA) throw columnCountError(st, buf, line, lineStart, limit);
        throw rowError(st, line, c, 'is not a decimal number');
      }
      rowValues[c] = value;
      if (scanWritten < 0 || (c === 0 && scanWritten !== 0)) written = false;
      else if (c > 0) out.decimals[at + c - 1] = scanWritten;
      if (c >= 1 && c <= 4) {
        if (scanDecimals > st.priceDecimals) st.priceDecimals = scanDecimals;
        if (!scanExact) inexact = true;
      }
      p = scanEnd;
      if (c < 5) {
        if (buf[p] !== COMMA || p >= limit) throw columnCountError(st, buf, line, lineStart, limit);
        p++;
      }
    }
    // the line must end right after the volume: LF, CR LF, or the end of the input
    if (p < limit) {
      const c = buf[p];
      if (c === LF) p++;
      else if (c === CR && (p + 1 === limit || buf[p + 1] === LF)) p += 2;
      else throw columnCountError(st, buf, line, lineStart, limit);
    }
    pos = p;
    const lineEnd = p; // only used on the error paths below, which find the real end themselves

    const ts = rowValues[0]!;
    const open = rowValues[1]!;
    const high = rowValues[2]!;
    const low = rowValues[3]!;
    const close = rowValues[4]!;
    const volume = rowValues[5]!;
    if (!Number.isSafeInteger(ts) || ts < 0) {
      throw rowError(st, line, 0, 'must be a non-negative whole number of epoch milliseconds');
    }
    if (ts <= st.lastTs) {
      throw rowError(st, line, 0, `is not after the timestamp of line ${st.lastTsLine}; timestamps must increase`);
    }
    for (let c = 1; c <= 4; c++) {
      if (!(rowValues[c]! > 0)) throw rowError(st, line, c, 'must be positive');
    }
    if (!(volume >= 0)) throw rowError(st, line, 5, 'must not be negative');
    if (inexact) {
      checkRangeExactly(st, buf, line, lineStart, lineEnd);
    } else {
      if (high < (open > close ? open : close)) {
        throw rowError(st, line, 2, 'is below max(open, close)');
      }
      if (low > (open < close ? open : close)) {
        throw rowError(st, line, 3, 'is above min(open, close)');
      }
    }

    st.lastTs = ts;
    st.lastTsLine = line;
    if (out.n === 0) out.firstLine = line;
    const n = out.n++;
    if (!written) out.verbatim.set(n, latin1(buf, lineStart, endOfLine(buf, lineStart, limit)));
    out.ts[n] = ts;
    out.open[n] = open;
    out.high[n] = high;
    out.low[n] = low;
    out.close[n] = close;
    out.volume[n] = volume;
  }
  return pos;
}

/** Index of the line's last content byte + 1 (before CR LF / LF), at most `limit`. */
function endOfLine(buf: Uint8Array, start: number, limit: number): number {
  let end = buf.indexOf(LF, start);
  if (end === -1 || end > limit) end = limit;
  if (end > start && buf[end - 1] === CR) end--;
  return end;
}

function afterLine(buf: Uint8Array, lineEnd: number, limit: number): number {
  if (buf[lineEnd] === CR) lineEnd++;
  if (buf[lineEnd] === LF) lineEnd++;
  return Math.min(lineEnd, limit);
}

function isHeaderLine(c: number): boolean {
  return !(c >= ZERO_CHAR && c <= ZERO_CHAR + 9) && c !== DOT && c !== 43 && c !== 45 && c !== 32;
}

/** More than 15 significant digits: two different decimals may share a double, so compare the decimals. */
function checkRangeExactly(st: ParseState, buf: Uint8Array, line: number, start: number, limit: number): void {
  const [open, high, low, close] = [1, 2, 3, 4].map((c) => new Decimal(fieldText(buf, start, limit, c)));
  const top = Decimal.max(open!, close!);
  const bottom = Decimal.min(open!, close!);
  if (high!.lt(top)) throw rowError(st, line, 2, 'is below max(open, close)');
  if (low!.gt(bottom)) throw rowError(st, line, 3, 'is above min(open, close)');
}

function fieldText(buf: Uint8Array, start: number, limit: number, column: number): string {
  const fields = latin1(buf, start, endOfLine(buf, start, limit)).split(',');
  return (fields[column] ?? '').trim();
}

function columnCountError(st: ParseState, buf: Uint8Array, line: number, start: number, limit: number): TernError {
  const found = latin1(buf, start, endOfLine(buf, start, limit)).split(',').length;
  return rowError(st, line, undefined, `is not a candle row: it has ${found} columns, expected 6 (${HEADER_NAMES})`, found);
}

function rowError(st: ParseState, line: number, column: number | undefined, what: string, found?: number): TernError {
  const name = column === undefined ? undefined : CANDLE_COLUMNS[column];
  const where = `${st.source ? `${st.source}: ` : ''}line ${line}${name ? `, column ${column! + 1} (${name})` : ''}`;
  return badRequest(`candle CSV ${where} ${what}`, {
    line,
    ...(name ? { column: name } : {}),
    ...(st.source ? { file: st.source } : {}),
    ...(found !== undefined ? { columns: found } : {}),
  });
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

/**
 * A field's text from its double and its decimals as written: `value` is the
 * double nearest to a decimal of at most 15 significant digits, so
 * value × 10^decimals rounds back to that decimal's digits exactly.
 */
function plainText(value: number, decimals: number): string {
  if (decimals === 0) return String(value);
  const digits = String(Math.round(value * POW10[decimals]!));
  return digits.length > decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : `0.${'0'.repeat(decimals - digits.length)}${digits}`;
}

function cannotRead(path: string, err: unknown): TernError {
  const code = (err as { code?: string } | null)?.code;
  return badRequest(`cannot read candle file ${path}${code ? ` (${code})` : ''}`, { file: path });
}
