import type { Candle, Fill, Order, Position } from '../../../src-common/contract/schemas.js';
import { needsLimitPrice, needsStopPrice } from '../../../src-common/contract/constants/orders.js';
import { dec, formatFixed, formatPlain, sign, wire } from '../../lib/decimal.js';
import { CHART_COLORS } from '../../lib/echarts.js';
import { isOpenOrder } from '../../state/trading.js';

const TYPE_SHORT: Partial<Record<Order['type'], string>> = { limit: 'LMT', market: 'MKT', stop_limit: 'STP LMT', stop_market: 'STP', take_profit_limit: 'TP LMT', take_profit_market: 'TP', trailing_stop: 'TRAIL' };
/** what a protective order is for, first on its label: a trader reads "TP" before the type */
const ROLE_SHORT: Partial<Record<NonNullable<Order['role']>, string>> = { take_profit: 'TP', stop_loss: 'SL', trailing: 'TRAIL' };

export type ChartLineKind = 'order' | 'position' | 'breakeven';

export interface ChartLine {
  yAxis: number;
  /** what the line is: an order's id, 'position' or 'breakeven' */
  name: string;
  kind: ChartLineKind;
  /** the exact price the line stands for (the wire string), where a drag starts from */
  price: string;
  /** inside the price pane above the line (the axis margin is too narrow for it): at the right end; the break-even at the left, clear of the entry's */
  label: { formatter: string; backgroundColor: string; color: string; position: 'insideEndTop' | 'insideStartTop' };
  lineStyle: { color: string; type: 'solid' | 'dashed' | 'dotted'; width: number };
  /** an order's line: what a drag of it amends (orders.amend `price` or `stop_price`); null: a drag moves nothing (a trailing stop follows the market) */
  amends?: AmendedField | null;
}

export type AmendedField = 'price' | 'stop_price';

/** a stop or take profit still waiting for the market to reach its trigger */
const waitingTrigger = (o: Order): boolean => needsStopPrice(o.type) && o.triggered_at == null;

/** an order's line stands at what a drag of it moves: a waiting stop or take profit at its trigger, else its limit price (a trailing stop: where its stop is now) */
export const orderLinePrice = (o: Order): string | null => (waitingTrigger(o) ? o.stop_price : (o.price ?? o.stop_price));

/** what a drag of an order's line amends: a waiting stop's or take profit's trigger, else a limit price (a fired stop limit's); null: nothing */
export const amendedBy = (o: Order): AmendedField | null => (waitingTrigger(o) ? 'stop_price' : needsLimitPrice(o.type) ? 'price' : null);

export const amendable = (o: Order): boolean => amendedBy(o) !== null;

function orderLabel(o: Order, at: string, places: number): string {
  const left = formatPlain(wire(dec(o.quantity).sub(o.filled_quantity)));
  const role = o.role ? ROLE_SHORT[o.role] : undefined;
  let type = TYPE_SHORT[o.type] ?? o.type.toUpperCase();
  if (o.type === 'trailing_stop' && o.trailing_offset) type += ` ${formatPlain(o.trailing_offset)}${o.trailing_unit === 'percent' ? ' %' : ''}`;
  const held = o.held_by === 'tern' ? ' · Tern' : '';
  return `${role && role !== 'TRAIL' ? `${role} ` : ''}${o.side === 'buy' ? 'BUY' : 'SELL'} ${left} ${type} ${formatFixed(at, places)}${held}`;
}

/**
 * The price at which closing the position at the taker fee gives back what it cost, the
 * entry's fee included: long avg·(1+f)/(1−f), short avg·(1−f)/(1+f). Spot has no
 * liquidation; this is the line that applies to it.
 */
export function breakEven(p: Pick<Position, 'quantity' | 'average_price'>, takerFee: string): string | null {
  if (!p.average_price || sign(p.quantity) === 0) return null;
  const f = dec(takerFee);
  if (f.isZero() || f.gte(1)) return null;
  const avg = dec(p.average_price);
  const be = sign(p.quantity) > 0 ? avg.mul(f.add(1)).div(dec('1').sub(f)) : avg.mul(dec('1').sub(f)).div(f.add(1));
  return wire(be);
}

/**
 * Horizontal lines for the market on the chart: each open order at its price (a stop at its
 * trigger, a trailing stop where it stands now) labeled with its role (TP/SL), side, quantity
 * left and type; the position's average entry with its quantity and live PnL; and its
 * break-even after fees.
 */
export function tradingLines(orders: Iterable<Order>, positions: Iterable<Position>, account: string, symbol: string, places: number, takerFee?: string): ChartLine[] {
  const lines: ChartLine[] = [];
  for (const o of orders) {
    if (o.account !== account || o.symbol !== symbol || !isOpenOrder(o)) continue;
    const at = orderLinePrice(o);
    if (!at) continue;
    const color = o.side === 'buy' ? CHART_COLORS.up : CHART_COLORS.down;
    lines.push({
      yAxis: Number(at),
      name: o.id,
      kind: 'order',
      price: at,
      label: { formatter: orderLabel(o, at, places), backgroundColor: color, color: '#0b0e11', position: 'insideEndTop' },
      lineStyle: { color, type: o.type === 'trailing_stop' ? 'dotted' : o.role === 'take_profit' || o.role === 'stop_loss' ? 'dashed' : 'solid', width: 1 },
      amends: amendedBy(o),
    });
  }
  for (const p of positions) {
    if (p.account !== account || p.symbol !== symbol || sign(p.quantity) === 0 || !p.average_price) continue;
    const long = sign(p.quantity) > 0;
    lines.push({
      yAxis: Number(p.average_price),
      name: 'position',
      kind: 'position',
      price: p.average_price,
      label: {
        formatter: `${long ? 'LONG' : 'SHORT'} ${formatPlain(p.quantity.replace('-', ''))} @ ${formatFixed(p.average_price, places)} · PnL ${formatFixed(p.unrealized_pnl, places, { sign: true })}`,
        backgroundColor: CHART_COLORS.line,
        color: '#0b0e11',
        position: 'insideEndTop',
      },
      lineStyle: { color: CHART_COLORS.line, type: 'dotted', width: 1 },
    });
    const be = takerFee ? breakEven(p, takerFee) : null;
    if (be) {
      lines.push({
        yAxis: Number(be),
        name: 'breakeven',
        kind: 'breakeven',
        price: be,
        label: { formatter: `BREAK-EVEN ${formatFixed(be, places)}`, backgroundColor: CHART_COLORS.axis, color: '#d7dce2', position: 'insideStartTop' },
        lineStyle: { color: CHART_COLORS.text, type: 'dashed', width: 1 },
      });
    }
  }
  return lines;
}

export interface FillMarker {
  /** [candle index, price] on the candle chart's axes */
  value: [number, number];
  name: string;
  symbol: 'triangle';
  symbolRotate: number;
  itemStyle: { color: string };
}

/**
 * The fills of the market as markers on the candle they fell in, at their price: a buy an
 * upward triangle, a sell a downward one. Fills before the first candle on screen, or before
 * `since` (when a replay began playing: the candles before it are the file's history), are left out.
 */
export function fillMarkers(
  fills: Iterable<Fill>,
  candles: readonly Candle[],
  timeframeMs: number,
  account: string,
  symbol: string,
  since = Number.NEGATIVE_INFINITY,
): FillMarker[] {
  const out: FillMarker[] = [];
  const n = candles.length;
  if (n === 0) return out;
  const first = Math.max(candles[0]![0], since);
  const end = candles[n - 1]![0] + timeframeMs;
  for (const f of fills) {
    if (f.account !== account || f.symbol !== symbol) continue;
    const ts = Date.parse(f.ts);
    if (!(ts >= first && ts < end)) continue;
    // the last candle that opened at or before the fill
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (candles[mid]![0] <= ts) lo = mid;
      else hi = mid - 1;
    }
    const buy = f.side === 'buy';
    out.push({ value: [lo, Number(f.price)], name: f.id, symbol: 'triangle', symbolRotate: buy ? 0 : 180, itemStyle: { color: buy ? CHART_COLORS.up : CHART_COLORS.down } });
  }
  return out;
}

/**
 * The price pane's scale reaches the order and position lines near the candles on screen
 * (up to one candle range beyond them), so a working order stays in sight, where it can be
 * dragged, as the candles scroll; a line further away leaves the candles their room.
 */
export class LineExtent {
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;

  set(lines: readonly ChartLine[]): void {
    this.low = Number.POSITIVE_INFINITY;
    this.high = Number.NEGATIVE_INFINITY;
    for (const l of lines) {
      if (l.kind === 'breakeven') continue;
      if (l.yAxis < this.low) this.low = l.yAxis;
      if (l.yAxis > this.high) this.high = l.yAxis;
    }
  }

  /** yAxis.min: undefined keeps ECharts' own scale */
  readonly min = (v: { min: number; max: number }): number | undefined => {
    const range = v.max - v.min;
    return this.low < v.min && v.min - this.low <= range ? this.low - range * 0.05 : undefined;
  };

  readonly max = (v: { min: number; max: number }): number | undefined => {
    const range = v.max - v.min;
    return this.high > v.max && this.high - v.max <= range ? this.high + range * 0.05 : undefined;
  };
}
