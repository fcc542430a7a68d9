import { memo } from 'react';
import { DecimalCtor, formatFixed } from '../../lib/decimal.js';
import { useMarket } from '../../state/market.js';
import { placesFor, useSelectedInstrument } from '../../state/selectors.js';
import { useTicket } from '../../state/ticket.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Loading } from '../../ui/states.js';

export const LADDER_DEPTH = 12;

interface Row {
  price: string;
  size: string;
  total: number;
}

/** cumulative size from the touch outward (floats: only bar widths use it) */
function withTotals(levels: ReadonlyArray<readonly [string, string]>): Row[] {
  let total = 0;
  return levels.slice(0, LADDER_DEPTH).map(([price, size]) => {
    total += Number(size);
    return { price, size, total };
  });
}

const Level = memo(function Level({ row, side, max, places, onPick }: { row: Row; side: 'bid' | 'ask'; max: number; places: { price: number; size: number }; onPick: (p: string) => void }) {
  return (
    // mousedown, not click: the book moves many times a second, and the price pressed is the one meant
    <tr
      className={`level level-${side}`}
      onMouseDown={(e) => {
        if (e.button === 0) onPick(row.price);
      }}
      title="Set the ticket price"
      data-testid={`level-${side}`}
      data-price={row.price}
    >
      <td className="num price">{formatFixed(row.price, places.price)}</td>
      <td className="num">{formatFixed(row.size, places.size)}</td>
      <td className="num muted depth-cell">
        <span className={`depth-bar depth-${side}`} style={{ width: `${max > 0 ? Math.min(100, (row.total / max) * 100) : 0}%` }} />
        <span className="depth-text">{row.total.toFixed(Math.min(places.size, 4))}</span>
      </td>
    </tr>
  );
});

/** The order book ladder: asks above, bids below, the spread between; a click sets the ticket price. */
export function OrderBook() {
  const book = useMarket((s) => s.book);
  const instrument = useSelectedInstrument();
  const setPrice = useTicket((s) => s.setPrice);
  const places = placesFor(instrument);

  let body;
  if (!book) body = <Loading what="order book" />;
  else if (book.bids.length === 0 && book.asks.length === 0) body = <Empty>The book is empty.</Empty>;
  else {
    const asks = withTotals(book.asks);
    const bids = withTotals(book.bids);
    const max = Math.max(asks.at(-1)?.total ?? 0, bids.at(-1)?.total ?? 0);
    const bestBid = book.bids[0]?.[0];
    const bestAsk = book.asks[0]?.[0];
    const spread = bestBid && bestAsk ? new DecimalCtor(bestAsk).sub(bestBid) : null;
    body = (
      <table className="ladder" aria-label="Order book">
        <thead>
          <tr>
            <th className="num">Price</th>
            <th className="num">Size</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody className="asks">
          {asks
            .slice()
            .reverse()
            .map((r, i) => (
              // keyed by position, not price: rows stay put while their prices change
              <Level key={`a${asks.length - 1 - i}`} row={r} side="ask" max={max} places={places} onPick={setPrice} />
            ))}
        </tbody>
        <tbody>
          <tr className="spread-row">
            <td colSpan={3}>
              spread <span className="num">{spread ? formatFixed(spread, places.price) : '—'}</span>
            </td>
          </tr>
        </tbody>
        <tbody className="bids">
          {bids.map((r, i) => (
            <Level key={`b${i}`} row={r} side="bid" max={max} places={places} onPick={setPrice} />
          ))}
        </tbody>
      </table>
    );
  }
  return (
    <Panel title="Order book" className="book-panel">
      {body}
    </Panel>
  );
}
