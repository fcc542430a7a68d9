import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import { CANDLE_COLUMNS, parseCandleCsv, parseCandleSeries, readCandleCsv, readCandleSeries, streamCandleCsv } from '../../src-main/feeds/candles-csv.js';

const DATA = '/work/shared/data';
const HEADER = 'timestamp,open,high,low,close,volume';
const dir = mkdtempSync(join(tmpdir(), 'tern-candles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function parseError(text: string): TernError {
  try {
    parseCandleSeries(text);
  } catch (err) {
    expect(err).toBeInstanceOf(TernError);
    return err as TernError;
  }
  throw new Error('expected the text to be refused');
}

describe('parseCandleCsv', () => {
  it('reads rows into exact decimals, with or without a header', () => {
    const rows = '1000,1.5,2.25,1.0,2,10.125\n2000,2,2,1.75,1.75,0\n';
    for (const text of [rows, `${HEADER}\n${rows}`]) {
      const bars = parseCandleCsv(text);
      expect(bars).toHaveLength(2);
      expect(bars[0]!.ts).toBe(1000);
      expect(bars[0]!.high.toFixed()).toBe('2.25');
      expect(bars[0]!.volume.toFixed()).toBe('10.125');
      expect(bars[1]!.low.toFixed()).toBe('1.75');
    }
  });

  it('accepts CRLF line ends, a BOM, no final newline and blank lines at the end', () => {
    const crlf = parseCandleSeries(`\uFEFF${HEADER}\r\n1000,1,1,1,1,1\r\n2000,1,2,1,2,1\r\n\r\n\n`);
    expect(crlf.length).toBe(2);
    expect(Array.from(crlf.close)).toEqual([1, 2]);
    expect(crlf.text(1, 'close')).toBe('2');
    const noNewline = parseCandleSeries(`${HEADER}\n1000,1,1,1,1,1`);
    expect(noNewline.length).toBe(1);
  });

  it('keeps an empty file (or a header alone) as zero rows', () => {
    expect(parseCandleSeries('').length).toBe(0);
    expect(parseCandleSeries(`${HEADER}\n`).length).toBe(0);
  });

  it('keeps a gap in time as a gap and a flat bar as given', () => {
    const series = parseCandleSeries('60000,5,5,5,5,0\n180000,5,6,4,5.5,3\n');
    expect(Array.from(series.ts)).toEqual([60000, 180000]);
    expect(series.bar(0).high.eq(series.bar(0).low)).toBe(true);
    expect(series.bar(0).volume.isZero()).toBe(true);
  });

  it('keeps the text as written: bar() makes Decimals from it, not from the double', () => {
    const series = parseCandleSeries('1,0.1000000000000000055511151231257827,0.2,0.1,0.2,1\n');
    expect(series.bar(0).open.toFixed()).toBe('0.1000000000000000055511151231257827');
    expect(series.text(0, 'open')).toBe('0.1000000000000000055511151231257827');
  });

  it('reports the most decimal places the prices use, ignoring trailing zeros and the volume', () => {
    expect(parseCandleSeries('1,46319.0,46385.5,46319.0,46377.25,2300413.72951\n').priceDecimals).toBe(2);
    expect(parseCandleSeries('1,46319,46385,46319,46377,0.1\n').priceDecimals).toBe(0);
  });

  it('reads every number as the same double as Number(text)', () => {
    const decimal = fc
      .tuple(fc.nat({ max: 10_000_000_000 }), fc.nat({ max: 999_999_999 }), fc.integer({ min: 0, max: 9 }))
      // a price of zero is refused ('must be positive', tested below), not read
      .filter(([int, frac]) => int > 0 || frac > 0)
      .map(([int, frac, zeros]) => `${int}.${'0'.repeat(zeros)}${frac}`);
    fc.assert(
      fc.property(decimal, (price) => {
        const series = parseCandleSeries(`1,${price},${price},${price},${price},${price}\n`);
        expect(series.open[0]).toBe(Number(price));
        expect(series.volume[0]).toBe(Number(price));
      }),
    );
  });

  it('accepts the rarer number forms: exponents, a plus sign, spaces around a field, a timestamp written 1000.0', () => {
    const series = parseCandleSeries('1000.0, 1e-5 ,+2E-5,1e-5,1.5e-5,0\n');
    expect(series.ts[0]).toBe(1000);
    expect(series.bar(0).open.toFixed()).toBe('0.00001');
    expect(series.bar(0).high.toFixed()).toBe('0.00002');
    expect(series.priceDecimals).toBe(6);
  });
});

describe('parseCandleCsv refuses bad rows, naming the line and the column', () => {
  const cases: Array<[string, string, number, string | undefined, RegExp]> = [
    ['a field that is not a number', `${HEADER}\n1000,1,1,1,1,1\n2000,1,x,1,1,1\n`, 3, 'high', /line 3, column 3 \(high\) is not a decimal number$/],
    ['an empty field', '1000,1,1,,1,1\n', 1, 'low', /line 1, column 4 \(low\) is not a decimal number/],
    ['too few columns', '1000,1,1,1,1,1\n2000,1,1,1,1\n', 2, undefined, /line 2 is not a candle row: it has 5 columns, expected 6/],
    ['too many columns', '1000,1,1,1,1,1,7\n', 1, undefined, /line 1 is not a candle row: it has 7 columns, expected 6/],
    ['a timestamp that is not after the previous one', '2000,1,1,1,1,1\n2000,1,1,1,1,1\n', 2, 'timestamp', /line 2, column 1 \(timestamp\) is not after the timestamp of line 1/],
    ['a timestamp going back', '2000,1,1,1,1,1\n1000,1,1,1,1,1\n', 2, 'timestamp', /timestamps must increase/],
    ['a fractional timestamp', '1000.5,1,1,1,1,1\n', 1, 'timestamp', /column 1 \(timestamp\) must be a non-negative whole number/],
    ['a negative timestamp', '-5,1,1,1,1,1\n', 1, 'timestamp', /non-negative whole number/],
    ['high below the open', '1000,2,1.5,1,1,1\n', 1, 'high', /column 3 \(high\) is below max\(open, close\)$/],
    ['high below the close', '1000,1,1.5,1,2,1\n', 1, 'high', /column 3 \(high\) is below max\(open, close\)$/],
    ['low above the close', '1000,2,2,1.5,1,1\n', 1, 'low', /column 4 \(low\) is above min\(open, close\)$/],
    ['a zero price', '1000,0,1,0,1,1\n', 1, 'open', /column 2 \(open\) must be positive$/],
    ['a negative volume', '1000,1,1,1,1,-3\n', 1, 'volume', /column 6 \(volume\) must not be negative$/],
    ['a blank line between rows', '1000,1,1,1,1,1\n\n2000,1,1,1,1,1\n', 2, undefined, /line 2 is empty/],
    ['an unknown header', 'time,o,h,l,c,v\n1000,1,1,1,1,1\n', 1, undefined, /line 1 is neither the header "timestamp,open,high,low,close,volume" nor a candle row/],
    ['a header on a later line', `1000,1,1,1,1,1\n${HEADER}\n`, 2, 'timestamp', /line 2, column 1 \(timestamp\) is not a decimal number/],
  ];
  for (const [what, text, line, column, message] of cases) {
    it(`refuses ${what}`, () => {
      const err = parseError(text);
      expect(err.code).toBe('BAD_REQUEST');
      expect(err.message).toMatch(message);
      expect(err.details?.line).toBe(line);
      expect(err.details?.column).toBe(column);
    });
  }

  it('never quotes the file: a secret first line, or secret numbers, stay out of every message', () => {
    const secrets: Array<[string, string]> = [
      ['root:$6$s3cr3tSalt$hash:19000:0:99999:7:::\n', 's3cr3t'],
      ['hunter2-password\n', 'hunter2'],
      ['1000,1,1,1,1,-31337\n', '31337'],
      ['1000,1,1,1,1,1\n99999,4242,1,1,1,1\n', '4242'],
      ['1000,1,1,1,1,1\n777,1,1,1,1,1\n', '777'],
      ['1000,8675309x,1,1,1,1\n', '8675309'],
      ['-4815162342,1,1,1,1,1\n', '4815162342'],
    ];
    for (const [text, secret] of secrets) {
      const err = parseError(text);
      expect(err.message).not.toContain(secret);
      expect(JSON.stringify(err.details)).not.toContain(secret);
    }
  });

  it('compares prices beyond 15 significant digits exactly', () => {
    // both highs are the same double as the open, but one is below it
    const err = parseError('1,0.10000000000000000002,0.10000000000000000001,0.1,0.1,1\n');
    expect(err.message).toMatch(/column 3 \(high\) is below max\(open, close\)$/);
    expect(parseCandleSeries('1,0.10000000000000000002,0.10000000000000000003,0.1,0.1,1\n').length).toBe(1);
  });
});

describe('readCandleCsv and streamCandleCsv', () => {
  it('names the file in errors, and refuses a missing file clearly', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `${HEADER}\n1000,1,1,1,1,1\n1000,1,1,1,1,1\n`);
    expect(() => readCandleCsv(file)).toThrow(/bad\.csv: line 3, column 1 \(timestamp\)/);
    expect(() => readCandleCsv(join(dir, 'missing.csv'))).toThrow(/cannot read candle file .*missing\.csv \(ENOENT\)/);
  });

  it('streams a file in batches that add up to the whole, across CRLF lines cut by chunk edges', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${(i + 1) * 60000},1.${i},2,1,1.5,${i}`);
    const file = join(dir, 'stream.csv');
    writeFileSync(file, `${HEADER}\r\n${rows.join('\r\n')}`);
    const whole = readCandleSeries(file);
    let seen = 0;
    let batches = 0;
    for await (const batch of streamCandleCsv(file, { chunkBytes: 37 })) {
      for (let i = 0; i < batch.length; i++) {
        expect(batch.ts[i]).toBe(whole.ts[seen]);
        expect(batch.text(i, 'open')).toBe(whole.text(seen, 'open'));
        seen++;
      }
      batches++;
    }
    expect(seen).toBe(200);
    expect(batches).toBeGreaterThan(10);
  });

  it('gives back every field as written, whatever its form (the file is not kept: plain fields are written again from their doubles)', () => {
    const rows = [
      ['1', '.5', '01.5', '0.5', '1.', '+2'],
      ['2', '0.10', '0.1000000000000000055511151231257827', '0.1', '0.1', '1e3'],
      ['003', '1.50', ' 2 ', '1.5', '1.5', '0'],
      ['4', '7', '7', '7', '7', '0.0'],
      ['5', '0.00012300', '123456789012345', '0.000001', '99999.99999', '123456789.012345'],
      ['6', '1234567890123456', '1234567890123456', '1234567890123456', '1234567890123456', '0.0000000000000000000001'],
    ];
    const series = parseCandleSeries(`${HEADER}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    rows.forEach((fields, row) => fields.forEach((field, c) => expect(series.text(row, CANDLE_COLUMNS[c]!)).toBe(field.trim())));
    expect(series.bar(4).open.toFixed()).toBe('0.000123');
  });

  it('reads a file bigger than its read chunk as a parse of its whole text: rows, doubles and texts, lines cut by chunk edges', () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => {
      const price = `${20_000 + (i % 997)}.${String(i % 100).padStart(2, '0')}`;
      // now and then a field kept as written (a sign, leading zeros, many digits)
      const volume = i % 1000 === 7 ? `+${i}.5` : i % 1000 === 8 ? `000${i}` : i % 1000 === 9 ? `${i}.0000000000000001` : `${i % 50}.${i % 7}0`;
      return [String(1_600_000_000_000 + i * 60_000), price, `${20_000 + (i % 997) + 1}`, `${19_000 + (i % 997)}.5`, price, volume];
    });
    const text = `${HEADER}\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
    expect(text.length).toBeGreaterThan(1 << 20);
    const file = join(dir, 'big.csv');
    writeFileSync(file, text);
    const read = readCandleSeries(file);
    const parsed = parseCandleSeries(text);
    expect(read.length).toBe(30_000);
    expect(read.priceDecimals).toBe(parsed.priceDecimals);
    const wrong: string[] = [];
    for (const column of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      for (let row = 0; row < read.length; row++) if (read[column][row] !== parsed[column][row]) wrong.push(`${column} of row ${row}`);
    }
    rows.forEach((fields, row) => fields.forEach((field, c) => read.text(row, CANDLE_COLUMNS[c]!) !== field && wrong.push(`${CANDLE_COLUMNS[c]} text of row ${row}`)));
    expect(wrong).toEqual([]);
  });

  it('reads a line longer than its read chunk', () => {
    const file = join(dir, 'long-line.csv');
    writeFileSync(file, `${HEADER}\n1000,1,1,1,1,${' '.repeat(1_100_000)}5\n2000,1,1,1,1,6\n`);
    const series = readCandleSeries(file);
    expect(Array.from(series.volume)).toEqual([5, 6]);
    expect(series.text(0, 'volume')).toBe('5');
  });

  it('streams with the line numbers of the whole file, and checks time across batches', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${(i + 1) * 1000},1,1,1,1,1`);
    rows[40] = '1000,1,1,1,1,1';
    const file = join(dir, 'stream-bad.csv');
    writeFileSync(file, `${HEADER}\n${rows.join('\n')}\n`);
    const read = async () => {
      for await (const batch of streamCandleCsv(file, { chunkBytes: 64 })) void batch;
    };
    await expect(read()).rejects.toThrow(/line 42, column 1 \(timestamp\) is not after the timestamp of line 41/);
  });

  it('reads the three real files whole, as the README counts them', () => {
    expect(readCandleSeries(`${DATA}/freqtrade_ETH_BTC_1m.csv`).length).toBe(14_397);
    expect(readCandleSeries(`${DATA}/freqtrade_ETH_BTC_5m.csv`).length).toBe(25_968);
    const ftx = readCandleSeries(`${DATA}/nautilus_FTX_BTC-PERP_1m.csv`);
    expect(ftx.length).toBe(45_031);
    expect(ftx.bar(0)).toMatchObject({ ts: 1640991660000 });
    expect(ftx.bar(0).volume.toFixed()).toBe('2300413.7295');
  });

  it('keeps the one missing bar of the 1m ETH/BTC file as a gap', () => {
    const series = readCandleSeries(`${DATA}/freqtrade_ETH_BTC_1m.csv`);
    const gaps: number[] = [];
    for (let i = 1; i < series.length; i++) if (series.ts[i]! - series.ts[i - 1]! !== 60_000) gaps.push(series.ts[i]! - series.ts[i - 1]!);
    expect(gaps).toEqual([120_000]);
    expect(series.ts[series.length - 1]! - series.ts[0]!).toBe((14_398 - 1) * 60_000);
  });
});
