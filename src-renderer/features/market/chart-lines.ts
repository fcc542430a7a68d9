import type { Order, Position } from '../../../src-common/contract/schemas.js';
import { dec, formatFixed, formatPlain, sign, wire } from '../../lib/decimal.js';
import { CHART_COLORS } from '../../lib/echarts.js';
import { isOpenOrder } from '../../state/trading.js';

const TYPE_SHORT: Partial<Record<Order['type'], string>> = { limit: 'LMT', market: 'MKT', stop_limit: 'STP LMT', stop_market: 'STP' };

export interface ChartLine {
  yAxis: number;
  /** what the line is: an order's id, or 'position' */
  name: string;
  label: { formatter: string; backgroundColor: string; color: string };
  lineStyle: { color: string; type: 'solid' | 'dashed' | 'dotted'; width: number };
}

/**
 * Horizontal lines for the market on the chart: each open order at its price (a stop at its
 * trigger) labeled with side, quantity left and type, and the position's average entry with its
 * quantity and live PnL.
 */
export function tradingLines(orders: Iterable<Order>, positions: Iterable<Position>, account: string, symbol: string, places: number): ChartLine[] {
  const lines: ChartLine[] = [];
  for (const o of orders) {
    if (o.account !== account || o.symbol !== symbol || !isOpenOrder(o)) continue;
    const at = o.price ?? o.stop_price;
    if (!at) continue;
    const color = o.side === 'buy' ? CHART_COLORS.up : CHART_COLORS.down;
    const left = formatPlain(wire(dec(o.quantity).sub(o.filled_quantity)));
    lines.push({
      yAxis: Number(at),
      name: o.id,
      label: { formatter: `${o.side === 'buy' ? 'BUY' : 'SELL'} ${left} ${TYPE_SHORT[o.type] ?? o.type.toUpperCase()} ${formatFixed(at, places)}`, backgroundColor: color, color: '#0b0e11' },
      lineStyle: { color, type: 'solid', width: 1 },
    });
  }
  for (const p of positions) {
    if (p.account !== account || p.symbol !== symbol || sign(p.quantity) === 0 || !p.average_price) continue;
    const long = sign(p.quantity) > 0;
    lines.push({
      yAxis: Number(p.average_price),
      name: 'position',
      label: {
        formatter: `${long ? 'LONG' : 'SHORT'} ${formatPlain(p.quantity.replace('-', ''))} @ ${formatFixed(p.average_price, places)} · PnL ${formatFixed(p.unrealized_pnl, places, { sign: true })}`,
        backgroundColor: CHART_COLORS.line,
        color: '#0b0e11',
      },
      lineStyle: { color: CHART_COLORS.line, type: 'dotted', width: 1 },
    });
  }
  return lines;
}
