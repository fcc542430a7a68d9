import { memo, useState } from 'react';
import { DEPTH_CHOICES, GROUP_MULTIPLES, type Level as BookLevel, groupLevels, groupStep } from '../../lib/book.js';
import { DecimalCtor, formatFixed, placesOf } from '../../lib/decimal.js';
import { readPref, writePref } from '../../lib/storage.js';
import { useMarket } from '../../state/market.js';
import { placesFor, useSelectedInstrument } from '../../state/selectors.js';
import { useTicket } from '../../state/ticket.js';
import { Panel } from '../../ui/Panel.js';
import { Empty, Loading } from '../../ui/states.js';

export const LADDER_DEPTH = 20;
const PREF = 'tern.book';

interface Row {
  price: string;
  size: string;
  total: number;
}

/** cumulative size from the touch outward (floats: only bar widths use it) */
function withTotals(levels: readonly BookLevel[], depth: number): Row[] {
  let total = 0;
  return levels.slice(0, depth).map(([price, size]) => {
    total += Number(size);
    return { price, size, total };
  });
}

const Level = memo(function Level({ row, side, max, places, onPick }: { row: Row; side: 'bid' | 'ask'; max: number; places: { price: number; size: number }; onPick: (p: string) => void }) {
  return (
    // mousedown, not click: the book moves many times a second, and the price pressed is the one meant
    <div
      role="row"
      className={`level level-${side}`}
      onMouseDown={(e) => {
        if (e.button === 0) onPick(row.price);
      }}
      title="Set the ticket price"
      data-testid={`level-${side}`}
      data-price={row.price}
    >
      <span role="cell" className="num price">
        {formatFixed(row.price, places.price)}
      </span>
      <span role="cell" className="num">
        {formatFixed(row.size, places.size)}
      </span>
      <span role="cell" className="num muted depth-cell">
        <span className={`depth-bar depth-${side}`} style={{ width: `${max > 0 ? Math.min(100, (row.total / max) * 100) : 0}%` }} />
        <span className="depth-text">{row.total.toFixed(Math.min(places.size, 4))}</span>
      </span>
    </div>
  );
});

interface BookPrefs {
  multiple: number;
  depth: number;
}

function loadPrefs(): BookPrefs {
  const p = readPref<Partial<BookPrefs>>(PREF);
  return {
    multiple: GROUP_MULTIPLES.includes(p?.multiple as never) ? p!.multiple! : 1,
    depth: DEPTH_CHOICES.includes(p?.depth as never) ? p!.depth! : LADDER_DEPTH,
  };
}

/**
 * The order book ladder: asks above, bids below, the spread between; a click sets the ticket price.
 * Each side takes half the height and drops its farthest levels first, so both stay in view at any size.
 */
export function OrderBook() {
  const book = useMarket((s) => s.book);
  const instrument = useSelectedInstrument();
  const setPrice = useTicket((s) => s.setPrice);
  const [prefs, setPrefs] = useState(loadPrefs);
  const change = (patch: Partial<BookPrefs>) => {
    const next = { ...prefs, ...patch };
    setPrefs(next);
    writePref(PREF, next);
  };
  const increment = instrument?.price_increment ?? '0.01';
  const step = groupStep(increment, prefs.multiple);
  const base = placesFor(instrument);
  // a coarser grouping shows fewer decimals: "47,120" at a step of 10, not "47,120.00"
  const places = prefs.multiple === 1 ? base : { ...base, price: Math.min(base.price, placesOf(step)) };

  let body;
  if (!book) body = <Loading what="order book" />;
  else if (book.bids.length === 0 && book.asks.length === 0) body = <Empty>The book is empty.</Empty>;
  else {
    const raw = prefs.multiple === 1;
    const asks = withTotals(raw ? book.asks : groupLevels(book.asks, step, 'ask'), prefs.depth);
    const bids = withTotals(raw ? book.bids : groupLevels(book.bids, step, 'bid'), prefs.depth);
    const max = Math.max(asks.at(-1)?.total ?? 0, bids.at(-1)?.total ?? 0);
    const bestBid = book.bids[0]?.[0];
    const bestAsk = book.asks[0]?.[0];
    const spread = bestBid && bestAsk ? new DecimalCtor(bestAsk).sub(bestBid) : null;
    body = (
      <div className="ladder" role="table" aria-label="Order book" data-testid="order-book" data-step={step} data-depth={prefs.depth}>
        <div className="ladder-head" role="row">
          <span role="columnheader" className="num">
            Price
          </span>
          <span role="columnheader" className="num">
            Size
          </span>
          <span role="columnheader" className="num">
            Total
          </span>
        </div>
        <div className="ladder-side ladder-asks" role="rowgroup">
          {asks
            .slice()
            .reverse()
            .map((r, i) => (
              // keyed by position, not price: rows stay put while their prices change
              <Level key={`a${asks.length - 1 - i}`} row={r} side="ask" max={max} places={places} onPick={setPrice} />
            ))}
        </div>
        <div className="spread-row" role="row">
          spread <span className="num">{spread ? formatFixed(spread, base.price) : '—'}</span>
        </div>
        <div className="ladder-side ladder-bids" role="rowgroup">
          {bids.map((r, i) => (
            <Level key={`b${i}`} row={r} side="bid" max={max} places={places} onPick={setPrice} />
          ))}
        </div>
      </div>
    );
  }
  return (
    <Panel
      title="Order book"
      className="book-panel"
      actions={
        <>
          <select className="select select-small" aria-label="Price grouping" title="Group price levels" data-testid="book-group" value={prefs.multiple} onChange={(e) => change({ multiple: Number(e.target.value) })}>
            {GROUP_MULTIPLES.map((m) => (
              <option key={m} value={m}>
                {groupStep(increment, m)}
              </option>
            ))}
          </select>
          <select className="select select-small" aria-label="Depth" title="Levels a side" data-testid="book-depth" value={prefs.depth} onChange={(e) => change({ depth: Number(e.target.value) })}>
            {DEPTH_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </>
      }
    >
      {body}
    </Panel>
  );
}
