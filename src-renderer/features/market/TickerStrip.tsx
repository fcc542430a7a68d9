import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Candle } from '../../../src-common/contract/schemas.js';
import { useClient } from '../../client/context.js';
import { change24h } from '../../lib/change.js';
import { formatFixed, placesOf } from '../../lib/decimal.js';
import { formatDateTime } from '../../lib/format.js';
import { noteTick } from '../../lib/latency.js';
import { tickerKey, useMarket } from '../../state/market.js';
import { findInstrument, useReference } from '../../state/reference.js';

/** how often the hourly candles behind the 24 h change are fetched again */
const CHANGE_REFRESH_MS = 30_000;

/** the last day's hourly candles of a market, refreshed now and then (the 24 h change moves slowly) */
function useHourly(account: string, symbol: string): Candle[] {
  const client = useClient();
  const [candles, setCandles] = useState<Candle[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      client.call('market.candles', { account, symbol, timeframe: '1h', limit: 25 }).then(
        (c) => live && setCandles(c),
        () => undefined,
      );
    void load();
    const t = setInterval(load, CHANGE_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [client, account, symbol]);
  return candles;
}

const TickerCell = memo(function TickerCell({ account, symbol, selected }: { account: string; symbol: string; selected: boolean }) {
  const ticker = useMarket((s) => s.tickers[tickerKey(account, symbol)]);
  const instrument = useReference((s) => findInstrument(s.instruments, account, symbol));
  const selectMarket = useMarket((s) => s.selectMarket);
  const prev = useRef<string | null>(null);
  const places = instrument ? placesOf(instrument.price_increment) : 2;
  const last = ticker?.last ?? null;
  const change = change24h(useHourly(account, symbol), last);
  const changeSign = change ? Math.sign(Number(change.pct)) : 0;
  let dir = '';
  if (prev.current !== null && last !== null && last !== prev.current) dir = Number(last) > Number(prev.current) ? 'up' : 'down';

  useLayoutEffect(() => {
    if (last !== null) prev.current = last;
    if (selected && ticker) noteTick('ticker', ticker.receivedAt);
  });

  return (
    <button type="button" className={`ticker ${selected ? 'ticker-selected' : ''}`} onClick={() => selectMarket(account, symbol)} aria-pressed={selected} data-testid={`ticker-${symbol}`}>
      <span className="ticker-symbol">{symbol}</span>
      <span className={`ticker-last num tick-${dir}`} data-testid={selected ? 'ticker-last' : undefined}>
        {formatFixed(last, places)}
      </span>
      <span
        className={`ticker-change num ${changeSign > 0 ? 'tick-up' : changeSign < 0 ? 'tick-down' : 'muted'}`}
        data-testid={`change-${symbol}`}
        title={change ? `change since ${formatDateTime(new Date(change.since).toISOString())}${change.partial ? ' (less than 24 h of data)' : ' (24 h)'}` : '24 h change'}
      >
        {change ? `${changeSign > 0 ? '+' : ''}${change.pct} %` : '—'}
      </span>
      <span className="ticker-quote num muted">
        <span className="bid">{formatFixed(ticker?.bid ?? null, places)}</span> / <span className="ask">{formatFixed(ticker?.ask ?? null, places)}</span>
      </span>
    </button>
  );
});

/** The watched symbols of the account on screen: last, bid/ask; a click shows that market. */
export function TickerStrip() {
  const account = useMarket((s) => s.account);
  const symbol = useMarket((s) => s.symbol);
  const watchlist = useMarket((s) => s.watchlist);
  const list = watchlist.length > 0 ? watchlist : [symbol];
  return (
    <div className="ticker-strip" role="toolbar" aria-label="Watched symbols">
      {list.map((s) => (
        <TickerCell key={`${account}|${s}`} account={account} symbol={s} selected={s === symbol} />
      ))}
    </div>
  );
}
