/**
 * A take profit from the ticket (issue 14: Binance's TAKE_PROFIT as Tern's
 * take_profit_market), in Debian's Chromium against the real engine served
 * headless on paper: a sell that waits above the market for a rise. It is
 * open on the venue, in the open-orders blotter as a take profit, and on the
 * candle chart at its trigger; the ticket is whole at 1280×720 with no
 * console error. Screenshots land in test-artifacts/screenshots/ticket-take-profit-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, type Terminal, at, openTerminal } from './helpers/terminal.js';
import { ticketIsWhole } from './helpers/ticket.js';

let term: Terminal;
let page: Page;
let errors: string[];
const api = <T>(path: string, init?: { method: string; body: unknown }): Promise<T> => term.api<T>(path, init);
type Order = { id: string; side: string; type: string; quantity: string; stop_price: string | null; price: string | null; status: string; held_by: string | null };

// a browser and an engine on a machine shared with other work: generous limits, never a timing assertion
describe('a take profit from the ticket in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    term = await openTerminal({ speed: 1 });
    ({ page, errors } = term);
  }, 180_000);

  afterAll(async () => {
    await term?.close();
  });

  it('places a sell take profit above the market: open, held by the venue, on the blotter and the chart at its trigger', async () => {
    // BTC to sell
    await api('orders', { method: 'POST', body: { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' } });
    const ticker = await api<{ bid: string }>('ticker?account=paper&symbol=BTC/USDT');
    // above the market, near enough that the chart's price range shows it, far enough that the replay does not reach it
    const trigger = at(Number(ticker.bid), 1.006);
    await page.click('.side-sell');
    await page.click('.ticket [role="radio"]:text-is("Take profit")');
    expect(await page.locator('[data-ticket-field="price"]').count()).toBe(0);
    await page.fill('[data-ticket-field="quantity"]', '0.005');
    await page.fill('[data-ticket-field="stopPrice"]', trigger);
    await expect.poll(() => page.textContent('[data-testid="ticket-submit"]'), { timeout: 30_000 }).toBe('Sell take profit');
    // before sending: who will hold the trigger (the paper venue holds take profits)
    await expect.poll(() => page.textContent('[data-testid="held-by"]'), { timeout: 30_000 }).toBe('Held by exchange');
    await ticketIsWhole(page, 1280, 720);
    await page.screenshot({ path: join(SHOTS, 'ticket-take-profit-1280x720.png') });
    await page.click('[data-testid="ticket-submit"]');

    let tp: Order | undefined;
    await expect
      .poll(
        async () => {
          tp = (await api<Order[]>('orders?status=open&account=paper')).find((o) => o.type === 'take_profit_market');
          return tp && [tp.side, tp.quantity, tp.stop_price, tp.price, tp.status, tp.held_by];
        },
        { timeout: 30_000 },
      )
      .toEqual(['sell', '0.005', String(Number(trigger)), null, 'open', 'venue']);

    await page.click('[data-testid="tab-open"]');
    const rows = () => page.$$eval('[data-grid="open-orders"] .ag-row[row-id]', (els) => [...new Set(els.map((r) => r.getAttribute('row-id')))]);
    await expect.poll(rows, { timeout: 30_000 }).toContain(tp!.id);
    await expect.poll(() => page.locator(`[data-grid="open-orders"] .ag-row[row-id="${tp!.id}"] [col-id="type"]`).first().textContent(), { timeout: 30_000 }).toBe('TP');
    await expect
      .poll(async () => ((await page.getAttribute('[data-testid="candle-chart"]', 'data-order-lines')) ?? '').split(' ').includes(`${tp!.id}@${Number(trigger)}`), { timeout: 30_000 })
      .toBe(true);
    await page.screenshot({ path: join(SHOTS, 'ticket-take-profit-placed-1280x720.png') });
    expect(errors).toEqual([]);
  });
});
