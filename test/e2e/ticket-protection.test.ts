/**
 * A bracket from the ticket (issue 13), in Debian's Chromium against the real
 * engine served headless on paper: a limit buy that crosses the book with a
 * take profit and a stop loss. The ticket says who will hold the exits before
 * sending; the entry fills and both exits appear — through the REST API, in the
 * open-orders blotter and as order lines on the candle chart — and the ticket is
 * whole at 1280×720 with no console error. An OCO is sent from the ticket too.
 * Screenshots land in test-artifacts/screenshots/ticket-protection-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, type Terminal, at, openTerminal } from './helpers/terminal.js';
import { ticketIsWhole } from './helpers/ticket.js';

let term: Terminal;
let page: Page;
let errors: string[];
const api = <T>(path: string): Promise<T> => term.api<T>(path);
type Order = { id: string; side: string; type: string; quantity: string; price: string | null; stop_price: string | null; status: string; role: string | null; parent_id: string | null; held_by: string; exits: string[]; oco_id: string | null };

// a browser and an engine on a machine shared with other work: generous limits, never a timing assertion
describe('a bracket from the ticket in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    // a slow replay: the exits, near the market so the chart's price range shows them, stay open while they are looked at
    term = await openTerminal({ speed: 1 });
    ({ page, errors } = term);
  }, 180_000);

  afterAll(async () => {
    await term?.close();
  });

  it('places a limit entry with TP and SL: it fills, and both exits are on the blotter and the chart', async () => {
    const ticker = await api<{ ask: string }>('ticker?account=paper&symbol=BTC/USDT');
    const ask = Number(ticker.ask);
    // above the ask (the replay moves on meanwhile): the entry takes the book at once; the exits either side of
    // it, far enough that the replay does not reach them while the test looks
    const entry = at(ask, 1.003);
    const tp = at(ask, 1.007);
    const sl = at(ask, 0.995);
    await page.click('.side-buy');
    await page.click('.ticket [role="radio"]:text-is("Limit")');
    await page.fill('[data-ticket-field="quantity"]', '0.01');
    await page.fill('[data-ticket-field="price"]', entry);
    await page.check('[data-testid="protection"] input[name="protect"]');
    await page.fill('[data-ticket-field="takeProfit"]', tp);
    await page.fill('[data-ticket-field="stopLoss"]', sl);
    // before sending: the paper venue holds OCO lists, so the exits are the exchange's
    await expect.poll(() => page.textContent('[data-testid="held-by"]'), { timeout: 30_000 }).toBe('Held by exchange');
    expect(await page.locator('[data-testid="risk-warnings"]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'ticket-protection-bracket-1280x720.png') });
    await ticketIsWhole(page, 1280, 720);

    await page.click('[data-testid="ticket-submit"]');
    // the entry fills; its exits are placed for what filled, linked as one OCO group
    let exits: Order[] = [];
    await expect
      .poll(
        async () => {
          const orders = await api<Order[]>('orders?status=all&account=paper');
          const parent = orders.find((o) => Number(o.price) === Number(entry) && o.side === 'buy');
          exits = orders.filter((o) => o.parent_id !== null && o.parent_id === parent?.id);
          return [parent?.status, ...exits.map((o) => [o.role, o.side, o.status, o.held_by, o.price ?? o.stop_price]).sort()];
        },
        { timeout: 60_000 },
      )
      .toEqual(['filled', ['stop_loss', 'sell', 'open', 'venue', String(Number(sl))], ['take_profit', 'sell', 'open', 'venue', String(Number(tp))]]);
    expect(exits[0]!.oco_id).not.toBeNull();
    expect(exits[0]!.oco_id).toBe(exits[1]!.oco_id);

    // the open-orders blotter lists both exits, held by the venue
    await page.click('[data-testid="tab-open"]');
    // a row is drawn once per pinned section: look for each order by its row id
    const rows = () => page.$$eval('[data-grid="open-orders"] .ag-row[row-id]', (els) => [...new Set(els.map((r) => r.getAttribute('row-id')))].sort());
    await expect.poll(rows, { timeout: 30_000 }).toEqual(exits.map((o) => o.id).sort());
    // the chart draws each as an order line at its price (a stop at its trigger)
    await expect
      .poll(async () => {
        const lines = (await page.getAttribute('[data-testid="candle-chart"]', 'data-order-lines')) ?? '';
        return exits.every((o) => lines.split(' ').includes(`${o.id}@${Number(o.price ?? o.stop_price)}`));
      }, { timeout: 30_000 })
      .toBe(true);
    await page.screenshot({ path: join(SHOTS, 'ticket-protection-placed-1280x720.png') });
    expect(errors).toEqual([]);
  });

  it('an OCO from the ticket protects the position: two linked sell legs, the take profit a trigger that fires a limit', async () => {
    // more BTC than the bracket's take profit holds, so the pair has coins to sell
    const bought = await fetch(`${term.served.url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${term.served.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' }),
    });
    expect(bought.status).toBe(201);
    const ticker = await api<{ bid: string }>('ticker?account=paper&symbol=BTC/USDT');
    const bid = Number(ticker.bid);
    await page.click('.side-sell');
    await page.click('.ticket [role="radio"]:text-is("OCO")');
    await page.fill('[data-ticket-field="quantity"]', '0.005');
    // the take profit as Binance's TAKE_PROFIT_LIMIT leg: a trigger and the limit it fires
    await page.click('.ticket [role="radio"]:text-is("Trigger, limit")');
    await page.fill('[data-ticket-field="takeProfit"]', at(bid, 1.08));
    await page.fill('[data-ticket-field="takeProfitLimit"]', at(bid, 1.07));
    await page.fill('[data-ticket-field="stopLoss"]', at(bid, 0.9));
    await page.check('.ticket input[name="reduce_only"]');
    await expect.poll(() => page.textContent('[data-testid="held-by"]'), { timeout: 30_000 }).toBe('Held by exchange');
    await ticketIsWhole(page, 1280, 720);
    await page.screenshot({ path: join(SHOTS, 'ticket-protection-oco-1280x720.png') });
    await page.click('[data-testid="ticket-submit"]');
    await expect
      .poll(async () => (await api<Order[]>('orders?status=open&account=paper')).filter((o) => o.quantity === '0.005').map((o) => [o.role, o.side, o.held_by, o.type]).sort(), { timeout: 30_000 })
      .toEqual([
        ['stop_loss', 'sell', 'venue', 'stop_market'],
        ['take_profit', 'sell', 'venue', 'take_profit_limit'],
      ]);
    expect(errors).toEqual([]);
  });
});
