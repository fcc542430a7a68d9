import { describe, expect, it } from 'vitest';
import { CallError } from '../../../../src-renderer/client/call-error.js';
import { type DragPorts, type DragView, LineDrag, hitLine, protectionAt, refusalText, snapPrice } from '../../../../src-renderer/features/market/chart-drag.js';
import { tradingLines } from '../../../../src-renderer/features/market/chart-lines.js';
import { order } from '../../helpers/fake-client.js';

// a price pane 400 px high showing 39,000 (bottom) to 41,000 (top): 5 USDT a pixel
const yOf = (price: number) => (41_000 - price) / 5;
const priceAt = (y: number) => 41_000 - y * 5;
const position = { account: 'paper', symbol: 'BTC/USDT', quantity: '0.02', average_price: '40000', realized_pnl: '0', unrealized_pnl: '1', mark_price: '40050' };

function setup(opts: { amend?: (id: string, price: string) => Promise<unknown>; protect?: (p: unknown) => Promise<unknown>; position?: typeof position } = {}) {
  const views: DragView[] = [];
  const sent: Array<[string, unknown]> = [];
  const ports: DragPorts = {
    increment: '0.5',
    places: 1,
    yOf,
    priceAt,
    position: () => (opts.position ?? position) as never,
    market: () => (opts.position ?? position).mark_price,
    amend: (id, price) => {
      sent.push(['amend', { id, price }]);
      return opts.amend ? opts.amend(id, price) : Promise.resolve({});
    },
    protect: (p) => {
      sent.push(['protect', p]);
      return opts.protect ? opts.protect(p) : Promise.resolve({});
    },
    render: (v) => views.push(v),
  };
  const lines = tradingLines([order({ id: 'O-1', price: '39500' }), order({ id: 'O-2', side: 'sell', price: '40500' })] as never, [opts.position ?? position] as never, 'paper', 'BTC/USDT', 1);
  return { drag: new LineDrag(ports), views, sent, lines, last: () => views.at(-1)! };
}

describe('line logic on the chart', () => {
  it('a drop where the pointer stopped sends the price the label showed, even if the pane rescaled in between', async () => {
    let shift = 0;
    const views: DragView[] = [];
    const sent: unknown[] = [];
    const drag = new LineDrag({
      increment: '0.5',
      places: 1,
      yOf: (p) => yOf(p) + shift,
      priceAt: (y) => priceAt(y - shift),
      position: () => position as never,
      market: () => position.mark_price,
      amend: (id, price) => {
        sent.push({ id, price });
        return Promise.resolve({});
      },
      protect: () => Promise.resolve({}),
      render: (v) => views.push(v),
    });
    const lines = tradingLines([order({ id: 'O-1', price: '39500' })] as never, [position] as never, 'paper', 'BTC/USDT', 1);
    expect(drag.start(lines, yOf(39500))).toBe(true);
    drag.move(yOf(39400));
    expect(views.at(-1)!.ghost?.price).toBe('39400');
    shift = 7; // a new high rescales the pane: the same row now means another price
    drag.move(yOf(39400)); // the mouseup at the row where the pointer stopped
    await drag.release();
    expect(sent).toEqual([{ id: 'O-1', price: '39400' }]);
  });

  it('snaps a chart price to the instrument increment, and refuses no price', () => {
    expect(snapPrice(40123.26, '0.5')).toBe('40123.5');
    expect(snapPrice(40123.24, '0.5')).toBe('40123');
    expect(snapPrice(0.0912345, '0.000001')).toBe('0.091235');
    expect(snapPrice(-3, '0.01')).toBeNull();
    expect(snapPrice(Number.NaN, '0.01')).toBeNull();
    expect(snapPrice(0.001, '0.5')).toBeNull();
  });

  it('takes the order or position line within a few pixels of the pointer, the nearest first; never the break-even', () => {
    const lines = tradingLines([order({ id: 'O-a', price: '39500' }), order({ id: 'O-b', price: '39510' })] as never, [position] as never, 'paper', 'BTC/USDT', 1, '0.001');
    expect(hitLine(lines, yOf(39500) + 1, yOf)?.name).toBe('O-a');
    expect(hitLine(lines, yOf(39510) - 1, yOf)?.name).toBe('O-b');
    expect(hitLine(lines, yOf(40000), yOf)?.name).toBe('position');
    expect(hitLine(lines, yOf(39700), yOf)).toBeNull();
    const be = lines.find((l) => l.kind === 'breakeven')!;
    expect(hitLine(lines, yOf(be.yAxis), yOf)).toBeNull();
  });

  it('from the position line: a long takes profit above the market and stops below it; a short the other way', () => {
    expect(protectionAt({ quantity: '0.02' }, '41000', '40050')).toEqual({ role: 'take_profit', take_profit: { price: '41000' } });
    expect(protectionAt({ quantity: '0.02' }, '39000', '40050')).toEqual({ role: 'stop_loss', stop_loss: { stop_price: '39000' } });
    expect(protectionAt({ quantity: '-0.02' }, '41000', '40050')).toEqual({ role: 'stop_loss', stop_loss: { stop_price: '41000' } });
    expect(protectionAt({ quantity: '-0.02' }, '39000', '40050')).toEqual({ role: 'take_profit', take_profit: { price: '39000' } });
  });

  it('a dragged order line follows the pointer on the increment, shows its price, and the drop amends the order', async () => {
    const { drag, lines, sent, last } = setup();
    expect(drag.start(lines, yOf(39500) + 2)).toBe(true);
    expect(last().ghost).toMatchObject({ price: '39500', text: '39,500.0' });
    drag.move(yOf(39_612.3));
    expect(last().ghost).toMatchObject({ price: '39612.5', text: '39,612.5', y: yOf(39612.5) });
    const done = drag.release();
    expect(last().ghost).toMatchObject({ price: '39612.5', sending: true });
    await done;
    expect(sent).toEqual([['amend', { id: 'O-1', price: '39612.5' }]]);
    expect(last()).toEqual({ ghost: null, notice: null });
    expect(drag.active).toBe(false);
  });

  it("a waiting stop's or take profit's line stands at its trigger, and the drop moves the trigger (stop_price); a trailing stop's line is not picked up", async () => {
    const sent: unknown[] = [];
    const drag = new LineDrag({
      increment: '0.5',
      places: 1,
      yOf,
      priceAt,
      position: () => position as never,
      market: () => position.mark_price,
      amend: (id, price, field) => {
        sent.push({ id, price, field });
        return Promise.resolve({});
      },
      protect: () => Promise.resolve({}),
      render: () => undefined,
    });
    const stop = order({ id: 'O-sl', side: 'sell', type: 'stop_limit', stop_price: '39500', price: '39400', role: 'stop_loss' });
    const trailing = order({ id: 'O-tr', side: 'sell', type: 'trailing_stop', price: null, stop_price: '40500', trailing_offset: '1', trailing_unit: 'percent' });
    const lines = tradingLines([stop, trailing] as never, [], 'paper', 'BTC/USDT', 1);
    expect(drag.start(lines, yOf(39500))).toBe(true);
    drag.move(yOf(39700));
    await drag.release();
    expect(sent).toEqual([{ id: 'O-sl', price: '39700', field: 'stop_price' }]);
    expect(drag.start(lines, yOf(40500))).toBe(false);
  });

  it('Esc during the drag puts the line back and sends nothing', async () => {
    const { drag, lines, sent, last } = setup();
    drag.start(lines, yOf(40500));
    drag.move(yOf(40700));
    drag.cancel();
    expect(last()).toEqual({ ghost: null, notice: null });
    await drag.release();
    expect(sent).toEqual([]);
  });

  it('a drop where it started sends nothing', async () => {
    const { drag, lines, sent } = setup();
    drag.start(lines, yOf(40500));
    drag.move(yOf(40500) + 0.01);
    await drag.release();
    expect(sent).toEqual([]);
  });

  it('a refused amend springs the line back and says why, naming the rule', async () => {
    const refuse = () => Promise.reject(new CallError('RISK_REJECTED', 'order notional 4,100 exceeds max_order_notional 1,000', { rule: 'max_order_notional' }));
    const { drag, lines, last } = setup({ amend: refuse });
    drag.start(lines, yOf(39500));
    drag.move(yOf(41000));
    await drag.release();
    expect(last().ghost).toBeNull();
    expect(last().notice).toBe('Amend of O-1 refused: Refused by risk: order notional 4,100 exceeds max_order_notional 1,000');
    expect(drag.active).toBe(false);
    drag.dismiss();
    expect(last().notice).toBeNull();
  });

  it('names the rule of a refusal whose message does not', () => {
    expect(refusalText(new CallError('INVALID_ORDER', 'amendment refused: outside the band', { field: 'price' }))).toBe('amendment refused: outside the band (price)');
    // a message that already names it is left as it is
    expect(refusalText(new CallError('INVALID_ORDER', 'a stop_market order has no limit price; cancel and replace to move its stop', { field: 'price' }))).toBe('a stop_market order has no limit price; cancel and replace to move its stop');
    expect(refusalText({ code: 'INVALID_ORDER', message: 'take profit must be above the market', details: { field: 'take_profit.price', rule: 'take_profit_side' } })).toBe('take profit must be above the market (take_profit_side)');
  });

  it('dragged from the position line: above the market places a take profit, below it a stop, through positions.protect', async () => {
    const { drag, lines, sent, last } = setup();
    drag.start(lines, yOf(40000));
    drag.move(yOf(40800));
    expect(last().ghost?.text).toBe('TP 40,800.0');
    await drag.release();
    drag.start(lines, yOf(40000));
    drag.move(yOf(39300));
    expect(last().ghost?.text).toBe('SL 39,300.0');
    await drag.release();
    expect(sent).toEqual([
      ['protect', { take_profit: { price: '40800' } }],
      ['protect', { stop_loss: { stop_price: '39300' } }],
    ]);
  });

  it('a refused take profit from the position line springs back and says why', async () => {
    const { drag, lines, last } = setup({ protect: () => Promise.reject(new CallError('CONFLICT', 'no open position in BTC/USDT on paper')) });
    drag.start(lines, yOf(40000));
    drag.move(yOf(40800));
    await drag.release();
    expect(last()).toEqual({ ghost: null, notice: 'Take profit refused: no open position in BTC/USDT on paper' });
  });
});
