import { memo } from 'react';
import { formatFixed } from '../../lib/decimal.js';
import { LOCAL_CLOCK_TITLE, clockLabel } from '../../lib/clock.js';
import { formatTime } from '../../lib/format.js';
import { type KeyedTrade, useMarket } from '../../state/market.js';
import { placesFor, useSelectedInstrument } from '../../state/selectors.js';
import { Panel } from '../../ui/Panel.js';
import { Empty } from '../../ui/states.js';

/** a trade never changes once printed: each row renders once */
const TradeRow = memo(function TradeRow({ t, places }: { t: KeyedTrade; places: { price: number; size: number } }) {
  return (
    <tr className={`trade-${t.side}`}>
      <td className="muted">{formatTime(t.ts)}</td>
      <td className="num price">{formatFixed(t.price, places.price)}</td>
      <td className="num">{formatFixed(t.quantity, places.size)}</td>
    </tr>
  );
});

export function RecentTrades() {
  const trades = useMarket((s) => s.trades);
  const instrument = useSelectedInstrument();
  const places = placesFor(instrument);
  const clock = clockLabel(instrument);
  return (
    <Panel title="Trades" className="trades-panel">
      {trades.length === 0 ? (
        <Empty>Waiting for trades…</Empty>
      ) : (
        <table className="trades" aria-label="Recent trades">
          <thead>
            <tr>
              <th title={clock?.title ?? LOCAL_CLOCK_TITLE} data-testid="trades-clock">
                Time{clock && <span className="clock-badge">{clock.badge}</span>}
              </th>
              <th className="num">Price</th>
              <th className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {trades.slice(0, 30).map((t) => (
              <TradeRow key={t.key} t={t} places={places} />
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
