import { memo, useLayoutEffect, useRef } from 'react';
import { formatFixed, placesOf } from '../../lib/decimal.js';
import { noteTick } from '../../lib/latency.js';
import { tickerKey, useMarket } from '../../state/market.js';
import { findInstrument, useReference } from '../../state/reference.js';

const TickerCell = memo(function TickerCell({ account, symbol, selected }: { account: string; symbol: string; selected: boolean }) {
  const ticker = useMarket((s) => s.tickers[tickerKey(account, symbol)]);
  const instrument = useReference((s) => findInstrument(s.instruments, account, symbol));
  const selectMarket = useMarket((s) => s.selectMarket);
  const prev = useRef<string | null>(null);
  const places = instrument ? placesOf(instrument.price_increment) : 2;
  const last = ticker?.last ?? null;
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
