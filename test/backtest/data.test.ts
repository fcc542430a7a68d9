import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCandles, portableDataSource, readCandleFile, rowRange, setCandleDatabase } from '../../src-main/backtest/data.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { backtest, scripted } from './helpers.js';

let dir: string;
let db: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tern-data-'));
  db = join(dir, 'tern.db');
  SqliteStore.open(db).close(); // a Tern database, migrated
  const conn = new Database(db);
  const insert = conn.prepare('INSERT INTO market_candles (source, symbol, timeframe, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < 5; i++) insert.run('binance', 'BTC/USDT', '1m', 1_700_000_000_000 + i * 60_000, '100.5', '110', '100', String(100 + i), '2');
  conn.close();
});
afterAll(() => {
  setCandleDatabase(null);
  rmSync(dir, { recursive: true, force: true });
});

describe('backtest data', () => {
  it('reads candles from the candle cache of a Tern database, exactly as stored', async () => {
    const series = await loadCandles(`sqlite:${db}?source=binance&symbol=BTC/USDT&timeframe=1m`);
    expect(series.length).toBe(5);
    expect(series.text(4, 'close')).toBe('104');
    const r = await backtest(series, scripted(() => {}));
    expect(r.metrics.bars).toBe(5);
  });

  it('answers cache:… from the database the engine registered, and names the file for worker threads', async () => {
    expect(() => portableDataSource('cache:?source=binance&symbol=BTC/USDT&timeframe=1m')).toThrow('no candle cache is available');
    setCandleDatabase(db);
    expect(portableDataSource('cache:?source=binance&symbol=BTC/USDT&timeframe=1m')).toBe(`sqlite:${db}?source=binance&symbol=BTC/USDT&timeframe=1m`);
    expect((await loadCandles('cache:?source=binance&symbol=BTC/USDT&timeframe=1m')).length).toBe(5);
    await expect(loadCandles('cache:?source=binance&symbol=ETH/USDT&timeframe=1m')).rejects.toThrow('the candle cache has no 1m candles of ETH/USDT from binance');
    await expect(loadCandles('cache:?source=binance')).rejects.toThrow('needs ?source=…&symbol=…&timeframe=…');
  });

  it('parses a CSV file once while it is unchanged', () => {
    const file = join(dir, 'a.csv');
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n1,1,1,1,1,1\n2,1,1,1,1,1\n');
    expect(readCandleFile(file)).toBe(readCandleFile(file));
    expect(() => readCandleFile(join(dir, 'none.csv'))).toThrow('data file not found');
  });

  it('selects rows by open time', () => {
    const file = join(dir, 'b.csv');
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n10,1,1,1,1,1\n20,1,1,1,1,1\n30,1,1,1,1,1\n');
    expect(rowRange(readCandleFile(file), 15, 30)).toEqual({ start: 1, end: 3 });
  });
});
