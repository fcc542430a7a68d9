import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Instrument, Position } from '../../../src-common/contract/schemas.js';
import { useAction, useClient } from '../../client/context.js';
import type { ECharts } from '../../lib/echarts.js';
import { formatFixed } from '../../lib/decimal.js';
import { useMarket } from '../../state/market.js';
import { notify } from '../../state/notifications.js';
import { positionKey, useTrading } from '../../state/trading.js';
import { type DragView, LineDrag, hitLine } from './chart-drag.js';
import type { ChartLine } from './chart-lines.js';

/** what the chart last drew, handed from the chart's draw to the controls over it */
export interface ChartLinesBus {
  lines: readonly ChartLine[];
  onDraw: (() => void) | null;
}

/** how long a refusal stays under the chart unless dismissed */
const NOTICE_MS = 10_000;

const CancelButtons = memo(function CancelButtons({ ids, refs, onCancel }: { ids: readonly string[]; refs: Map<string, HTMLButtonElement>; onCancel: (id: string) => void }) {
  return (
    <>
      {ids.map((id) => (
        <button
          key={id}
          type="button"
          className="line-cancel"
          data-testid={`line-cancel-${id}`}
          aria-label={`Cancel order ${id}`}
          title={`Cancel order ${id}`}
          hidden
          ref={(el) => {
            if (el) refs.set(id, el);
            else refs.delete(id);
          }}
          onClick={() => onCancel(id)}
        >
          ×
        </button>
      ))}
    </>
  );
});

/**
 * Trading on the candle chart: drag an order line to amend its price, drag from the
 * position line to place a take profit or stop, × on each order line cancels it.
 * The lines themselves are ECharts mark lines; this layer takes the pointer before
 * ECharts does (so a drag does not pan the chart) and draws the dragged line and the
 * × buttons as plain elements over the canvas.
 */
export function ChartTrading({ chart, bus, instrument, places }: { chart: ECharts; bus: ChartLinesBus; instrument: Instrument; places: number }) {
  const client = useClient();
  const act = useAction();
  const [ids, setIds] = useState<string[]>([]);
  const [view, setView] = useState<DragView>({ ghost: null, notice: null });
  const refs = useRef(new Map<string, HTMLButtonElement>()).current;
  const dragRef = useRef<LineDrag | null>(null);
  // the drag's latest view: what React renders, and what a move of the dragged line writes straight to its element
  const latest = useRef<DragView>(view);
  const ghostEl = useRef<HTMLDivElement | null>(null);
  const ghostLabel = useRef<HTMLSpanElement | null>(null);
  const render = useCallback((next: DragView) => {
    const prev = latest.current;
    latest.current = next;
    const el = ghostEl.current;
    const label = ghostLabel.current;
    // the same line moving: only its row, price and label change — no React render for each pointer move
    if (el && label && prev.ghost && next.ghost && prev.ghost.line === next.ghost.line && prev.ghost.sending === next.ghost.sending && prev.notice === next.notice) {
      el.style.transform = `translateY(${Math.round(next.ghost.y)}px)`;
      el.dataset.price = next.ghost.price;
      label.textContent = next.ghost.text;
      return;
    }
    setView(next);
  }, []);

  // the × of each order line, at the line's row; hidden when the line is off the price pane
  const layout = useRef(() => {});
  const overlay = useRef<HTMLDivElement | null>(null);
  layout.current = () => {
    for (const line of bus.lines) {
      if (line.kind === 'position' && overlay.current) {
        // for tests and tools that cannot read a canvas: the position line's pixel row
        overlay.current.dataset.positionY = String(Math.round(chart.convertToPixel({ yAxisIndex: 0 }, line.yAxis) as number));
      }
      if (line.kind !== 'order') continue;
      const btn = refs.get(line.name);
      if (!btn) continue;
      const y = chart.convertToPixel({ yAxisIndex: 0 }, line.yAxis) as number;
      const show = Number.isFinite(y) && chart.containPixel({ gridIndex: 0 }, [12, y]);
      if (btn.hidden === show) btn.hidden = !show;
      if (show) {
        const t = `translateY(${Math.round(y)}px)`;
        if (btn.style.transform !== t) btn.style.transform = t;
      }
    }
  };

  useEffect(() => {
    let key = '';
    bus.onDraw = () => {
      const next = bus.lines.filter((l) => l.kind === 'order').map((l) => l.name);
      const k = next.join(' ');
      if (k !== key) {
        key = k;
        setIds(next);
      }
      layout.current();
    };
    bus.onDraw();
    const onRendered = () => layout.current();
    chart.on('datazoom', onRendered);
    return () => {
      bus.onDraw = null;
      chart.off('datazoom', onRendered);
    };
  }, [bus, chart]);

  useLayoutEffect(() => layout.current(), [ids]);

  useEffect(() => {
    const dom = chart.getDom();
    const position = () => useTrading.getState().positions.rows.get(positionKey(instrument as unknown as Position));
    const drag = new LineDrag({
      increment: instrument.price_increment,
      places,
      yOf: (price) => chart.convertToPixel({ yAxisIndex: 0 }, price) as number,
      priceAt: (y) => chart.convertFromPixel({ yAxisIndex: 0 }, y) as number,
      position,
      market: () => position()?.mark_price ?? useMarket.getState().candles.toArray().at(-1)?.[4],
      amend: (id, price, field) => client.call('orders.amend', field === 'stop_price' ? { id, stop_price: price } : { id, price }),
      protect: async (params) => {
        const group = await client.call('positions.protect', { account: instrument.account, symbol: instrument.symbol, ...params });
        const leg = group.orders[0];
        notify({ kind: 'info', title: params.take_profit ? 'Take profit placed' : 'Stop loss placed', body: `${instrument.symbol} ${leg ? `${leg.side === 'buy' ? 'buy' : 'sell'} ${leg.quantity} ` : ''}at ${formatFixed(params.take_profit?.price ?? params.stop_loss?.stop_price ?? '', places)}` });
        return group;
      },
      render,
    });
    dragRef.current = drag;
    const rowOf = (e: MouseEvent) => e.clientY - dom.getBoundingClientRect().top;
    let dragged = false;

    const onMove = (e: MouseEvent) => {
      // while a line is dragged the chart has nothing to do with the pointer: no hover hit-testing, tooltip or crosshair per move
      e.stopPropagation();
      drag.move(rowOf(e));
    };
    const stop = () => {
      window.removeEventListener('mousemove', onMove, true);
      window.removeEventListener('mouseup', onUp, true);
      window.removeEventListener('keydown', onKey, true);
      dom.classList.remove('line-dragging');
    };
    const onUp = (e: MouseEvent) => {
      stop();
      drag.move(rowOf(e));
      void drag.release();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      stop();
      drag.cancel();
    };
    // capture: the line is taken before ECharts sees the press, so the chart does not pan
    const onDown = (e: MouseEvent) => {
      if (e.button !== 0 || drag.active) return;
      const x = e.clientX - dom.getBoundingClientRect().left;
      if (!chart.containPixel({ gridIndex: 0 }, [x, rowOf(e)])) return;
      if (!drag.start(bus.lines, rowOf(e))) return;
      e.stopPropagation();
      e.preventDefault();
      dragged = true;
      dom.classList.add('line-dragging');
      window.addEventListener('mousemove', onMove, true);
      window.addEventListener('mouseup', onUp, true);
      window.addEventListener('keydown', onKey, true);
    };
    // the click that ends a drag is not a click on the chart (which would set the ticket's price)
    const onClick = (e: MouseEvent) => {
      if (!dragged) return;
      dragged = false;
      e.stopPropagation();
    };
    const onHover = (e: MouseEvent) => {
      if (drag.active) return;
      const near = hitLine(bus.lines, rowOf(e), (p) => chart.convertToPixel({ yAxisIndex: 0 }, p) as number) !== null;
      if (dom.classList.contains('line-hover') !== near) dom.classList.toggle('line-hover', near);
    };
    dom.addEventListener('mousedown', onDown, true);
    dom.addEventListener('click', onClick, true);
    dom.addEventListener('mousemove', onHover);
    return () => {
      stop();
      drag.cancel();
      dom.removeEventListener('mousedown', onDown, true);
      dom.removeEventListener('click', onClick, true);
      dom.removeEventListener('mousemove', onHover);
    };
  }, [chart, bus, client, instrument, places, render]);

  useEffect(() => {
    if (!view.notice) return;
    const t = setTimeout(() => dragRef.current?.dismiss(), NOTICE_MS);
    return () => clearTimeout(t);
  }, [view.notice]);

  // one function for the life of the chart: the 200 × buttons do not re-render as the dragged line moves
  const onCancel = useCallback((id: string) => void act('orders.cancel', { id }, `Cancel ${id} failed`), [act]);
  // a render while dragging (an order update) draws the line where it is now, not where the last render left it
  useLayoutEffect(() => {
    const g = latest.current.ghost;
    if (!g || !ghostEl.current || !ghostLabel.current) return;
    ghostEl.current.style.transform = `translateY(${Math.round(g.y)}px)`;
    ghostEl.current.dataset.price = g.price;
    ghostLabel.current.textContent = g.text;
  });
  const { ghost, notice } = latest.current;
  return (
    <div className="chart-trading" data-testid="chart-trading" ref={overlay}>
      <CancelButtons ids={ids} refs={refs} onCancel={onCancel} />
      {ghost && (
        <div ref={ghostEl} className={`drag-line drag-${ghost.line.kind}${ghost.sending ? ' drag-sending' : ''}`} data-testid="drag-line" data-price={ghost.price} style={{ transform: `translateY(${Math.round(ghost.y)}px)` }}>
          <span ref={ghostLabel} className="drag-label num">
            {ghost.text}
          </span>
        </div>
      )}
      {notice && (
        <div className="chart-notice" role="alert" data-testid="chart-notice">
          <span>{notice}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dragRef.current?.dismiss()}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
