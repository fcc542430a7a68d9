/**
 * Sizing in the order ticket (issue 13), in Debian's Chromium against the real
 * engine served headless with a fresh paper account (100,000 USDT, BTC/USDT at
 * 0.1 % maker and taker, step 0.00001): a % button and risk mode give the
 * hand-computed quantities, the orders are placed with them (read back through
 * the REST API), and the ticket is whole at 1280×720 and 1600×1000.
 * Screenshots land in test-artifacts/screenshots/ticket-sizing-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, type Terminal, openTerminal } from './helpers/terminal.js';
import { ticketIsWhole } from './helpers/ticket.js';

let term: Terminal;
let page: Page;
let errors: string[];
const api = <T>(path: string): Promise<T> => term.api<T>(path);
type Order = { side: string; type: string; quantity: string; price: string | null; status: string };

/** a fresh limit buy ticket at `price`, sized the way `size` sets */
async function limitBuyAt(price: string): Promise<void> {
  await page.click('.side-buy');
  await page.click('.ticket [role="radio"]:text-is("Limit")');
  await page.fill('[data-ticket-field="price"]', price);
}

// a browser and an engine on a machine shared with other work: generous limits, never a timing assertion
describe('ticket sizing in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    term = await openTerminal({ speed: 20 });
    ({ page, errors } = term);
  }, 180_000);

  afterAll(async () => {
    await term?.close();
  });

  it('the numbers below are worked out by hand for this instrument and balance', async () => {
    const [btc] = await api<Array<Record<string, string>>>('instruments?account=paper');
    expect(btc).toMatchObject({ symbol: 'BTC/USDT', size_increment: '0.00001', min_quantity: '0.00001', min_notional: '5', maker_fee: '0.001', taker_fee: '0.001' });
    expect(await api('balances')).toContainEqual({ account: 'paper', asset: 'USDT', total: '100000', free: '100000', locked: '0' });
  });

  it('25 % of the free USDT at a 30,000 limit gives 0.83250 BTC, and that is what is placed', async () => {
    await limitBuyAt('30000');
    await page.click('[data-testid="size-pct-25"]');
    // 25,000 / (30,000 × 1.001) = 0.8325008… → 0.83250 on the step
    await expect.poll(() => page.textContent('[data-testid="size-quantity"]'), { timeout: 30_000 }).toBe('0.83250');
    expect(await page.textContent('[data-testid="size-result"]')).toBe('= 0.83250 BTC · 24,975.00 USDT · of 100,000.00 USDT');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.screenshot({ path: join(SHOTS, 'ticket-sizing-percent-1280x720.png') });
    await ticketIsWhole(page, 1280, 720);
    await page.click('[data-testid="ticket-submit"]');
    await expect.poll(async () => (await api<Order[]>('orders?status=open')).map((o) => [o.side, o.type, o.quantity, o.price]), { timeout: 30_000 }).toEqual([['buy', 'limit', '0.8325', '30000']]);
  });

  it('risking 100 USDT to a stop at 29,000 from a 30,000 limit gives 0.09442 BTC, fees included, and that is what is placed', async () => {
    await limitBuyAt('30000');
    await page.click('[data-size-mode="risk"]');
    await page.click('.size-risk [role="radio"]:text-is("USDT")');
    await page.fill('[data-ticket-field="sizeAmount"]', '100');
    await page.fill('[data-ticket-field="stopLoss"]', '29000');
    // per BTC: 30,000 − 29,000 + 0.1 % of 30,000 + 0.1 % of 29,000 = 1,059; 100 / 1,059 = 0.0944287… → 0.09442
    await expect.poll(() => page.textContent('[data-testid="size-quantity"]'), { timeout: 30_000 }).toBe('0.09442');
    // 0.09442 × 30,000 = 2,832.60; 0.09442 × 1,059 = 99.99078
    expect(await page.textContent('[data-testid="size-result"]')).toBe('= 0.09442 BTC · 2,832.60 USDT · loses 99.99 of 100.00 at the stop');
    // the stop goes with the order as its stop loss: the TP/SL fields open (the ticket at its tallest)
    await page.click('[data-testid="risk-stop-attach"]');
    expect(await page.inputValue('[data-testid="protection"] [data-ticket-field="stopLoss"]')).toBe('29000');
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1600, height: 1000 },
    ]) {
      await page.setViewportSize(size);
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(SHOTS, `ticket-sizing-risk-${size.width}x${size.height}.png`) });
      await ticketIsWhole(page, size.width, size.height);
    }
    await page.click('[data-testid="ticket-submit"]');
    // the exits are placed as the entry fills; until then the entry carries the quantity risk mode gave
    await expect.poll(async () => (await api<Order[]>('orders?status=open')).map((o) => o.quantity).sort(), { timeout: 30_000 }).toEqual(['0.09442', '0.8325']);
    expect(errors).toEqual([]);
  });
});
