import Database from 'better-sqlite3';
import { Decimal } from '../engine/model/decimal.js';
import type { InstrumentSpec } from '../engine/model/types.js';
import type { CandleCache } from '../engine/ports/candle-cache.js';
import type { Bar } from '../engine/ports/market-data.js';
import { migrate } from './migrations.js';

/**
 * Public market data kept between runs: each exchange's instruments (so an
 * account opens while its exchange is unreachable) and downloaded candles
 * (history for backtests, resumable). A cache beside the journal, in the same
 * file (migration 3), on its own connection: its writes are small
 * transactions that never hold the engine's commits for long.
 */
export class MarketCache implements CandleCache {
  private readonly stmts: ReturnType<typeof prepare>;

  private constructor(private readonly db: Database.Database) {
    this.stmts = prepare(db);
  }

  /** The cache in the store's file (`''`: a private in-memory database). The store has migrated the file. */
  static open(file: string): MarketCache {
    const db = new Database(file === '' ? ':memory:' : file);
    try {
      db.pragma('busy_timeout = 5000');
      if (file === '') migrate(db);
      else db.pragma('journal_mode = WAL');
      return new MarketCache(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  saveInstruments(source: string, specs: InstrumentSpec[], now: number): void {
    this.db.transaction(() => {
      this.stmts.deleteInstruments.run(source);
      for (const s of specs) {
        this.stmts.insertInstrument.run(
          source,
          s.symbol,
          s.base,
          s.quote,
          s.priceIncrement.toFixed(),
          s.sizeIncrement.toFixed(),
          s.minQuantity.toFixed(),
          s.minNotional.toFixed(),
          s.makerFee.toFixed(),
          s.takerFee.toFixed(),
          now,
        );
      }
    }).immediate();
  }

  /** the cached instruments of `source` and when they were saved, or null */
  loadInstruments(source: string): { specs: InstrumentSpec[]; savedAt: number } | null {
    const rows = this.stmts.instruments.all(source) as unknown[][];
    if (rows.length === 0) return null;
    let savedAt = 0;
    const specs = rows.map((r) => {
      savedAt = Math.max(savedAt, r[9] as number);
      return {
        symbol: r[0] as string,
        base: r[1] as string,
        quote: r[2] as string,
        priceIncrement: new Decimal(r[3] as string),
        sizeIncrement: new Decimal(r[4] as string),
        minQuantity: new Decimal(r[5] as string),
        minNotional: new Decimal(r[6] as string),
        makerFee: new Decimal(r[7] as string),
        takerFee: new Decimal(r[8] as string),
      };
    });
    return { specs, savedAt };
  }

  /** upserts candles (a newer download of a candle replaces the older one) */
  saveCandles(source: string, symbol: string, timeframe: string, bars: Bar[]): void {
    if (bars.length === 0) return;
    this.db.transaction(() => {
      for (const b of bars) {
        this.stmts.upsertCandle.run(source, symbol, timeframe, b.ts, b.open.toFixed(), b.high.toFixed(), b.low.toFixed(), b.close.toFixed(), b.volume.toFixed());
      }
    }).immediate();
  }

  /** candles with from ≤ ts < to, oldest first */
  candles(source: string, symbol: string, timeframe: string, from: number, to: number): Bar[] {
    const rows = this.stmts.candles.all(source, symbol, timeframe, from, to) as unknown[][];
    return rows.map((r) => ({
      ts: r[0] as number,
      open: new Decimal(r[1] as string),
      high: new Decimal(r[2] as string),
      low: new Decimal(r[3] as string),
      close: new Decimal(r[4] as string),
      volume: new Decimal(r[5] as string),
    }));
  }

  /** the newest cached candle's open time in [from, to), or null */
  lastCandleTs(source: string, symbol: string, timeframe: string, from: number, to: number): number | null {
    const v = this.stmts.lastCandle.get(source, symbol, timeframe, from, to) as number | null | undefined;
    return v ?? null;
  }

  /** how many candles are cached with from ≤ ts < to */
  countCandles(source: string, symbol: string, timeframe: string, from: number, to: number): number {
    return Number(this.stmts.countCandles.get(source, symbol, timeframe, from, to) ?? 0);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function prepare(db: Database.Database) {
  return {
    deleteInstruments: db.prepare('DELETE FROM market_instruments WHERE source = ?'),
    insertInstrument: db.prepare(
      `INSERT INTO market_instruments (source, symbol, base, quote, price_increment, size_increment, min_quantity, min_notional, maker_fee, taker_fee, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    instruments: db
      .prepare(
        `SELECT symbol, base, quote, price_increment, size_increment, min_quantity, min_notional, maker_fee, taker_fee, updated_at
         FROM market_instruments WHERE source = ? ORDER BY symbol`,
      )
      .raw(),
    upsertCandle: db.prepare(
      `INSERT INTO market_candles (source, symbol, timeframe, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source, symbol, timeframe, ts) DO UPDATE SET open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
    ),
    candles: db
      .prepare(
        `SELECT ts, open, high, low, close, volume FROM market_candles
         WHERE source = ? AND symbol = ? AND timeframe = ? AND ts >= ? AND ts < ? ORDER BY ts`,
      )
      .raw(),
    countCandles: db.prepare(`SELECT count(*) FROM market_candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts >= ? AND ts < ?`).pluck(),
    lastCandle: db.prepare(`SELECT max(ts) FROM market_candles WHERE source = ? AND symbol = ? AND timeframe = ? AND ts >= ? AND ts < ?`).pluck(),
  };
}
