/**
 * A working take profit and stop in the open-orders blotter (issue 14
 * follow-up), in Debian's Chromium against the real engine served headless on
 * paper: each row's type reads whole (TP LMT, Stop — not "Take Profit Li…") and
 * its trigger price is on screen without opening a column menu, at 1280×720
 * and 1600×1000, with no console error; so do the time, symbol, side, price,
 * quantity, filled and status of the row and every header above them. Screenshots land in
 * test-artifacts/screenshots/blotter-trigger-*.png.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOTS, type Terminal, at, openTerminal } from './helpers/terminal.js';

let term: Terminal;
let page: Page;
let errors: string[];
const api = <T>(path: string, init?: { method: string; body: unknown }): Promise<T> => term.api<T>(path, init);
type Order = { id: string; type: string; stop_price: string | null; status: string };

/** the row's cell in column `col`: its text, whether its text fits, and whether it lies inside the grid's visible body */
async function cell(id: string, col: string) {
  return page.evaluate(
    ({ id, col }) => {
      const grid = document.querySelector('[data-grid="open-orders"]');
      const el = grid?.querySelector(`.ag-row[row-id="${id}"] [col-id="${col}"]`) as HTMLElement | null | undefined;
      if (!grid || !el) return null;
      const value = (el.querySelector('.ag-cell-value') as HTMLElement | null) ?? el;
      const r = el.getBoundingClientRect();
      const g = grid.getBoundingClientRect();
      // the cancel column pinned on the right covers what scrolls beneath it (this AG Grid names it ag-grid-pinned-right-cells)
      const pinned = (grid.querySelector('.ag-pinned-right-header') ?? grid.querySelector('.ag-grid-pinned-right-cells'))?.getBoundingClientRect();
      const right = Math.min(g.right, window.innerWidth, pinned && pinned.width > 0 ? pinned.left : Infinity);
      const onScreen = r.width > 0 && r.left >= g.left - 1 && r.right <= right + 1 && r.bottom <= window.innerHeight + 1;
      return { text: el.textContent?.trim(), fits: value.scrollWidth <= value.clientWidth + 1, onScreen };
    },
    { id, col },
  );
}

/** whether column `col`'s header label reads whole (not "Ti…", "Held…") and lies inside the grid's visible body */
async function header(col: string) {
  return page.evaluate((col) => {
    const grid = document.querySelector('[data-grid="open-orders"]');
    const el = grid?.querySelector(`.ag-header-cell[col-id="${col}"]`) as HTMLElement | null | undefined;
    const label = el?.querySelector('.ag-header-cell-text') as HTMLElement | null | undefined;
    const box = el?.querySelector('.ag-header-cell-label') as HTMLElement | null | undefined;
    if (!grid || !el || !label || !box) return null;
    const r = el.getBoundingClientRect();
    const g = grid.getBoundingClientRect();
    const pinned = (grid.querySelector('.ag-pinned-right-header') ?? grid.querySelector('.ag-grid-pinned-right-cells'))?.getBoundingClientRect();
    const right = Math.min(g.right, window.innerWidth, pinned && pinned.width > 0 ? pinned.left : Infinity);
    // the label clips its text with an ellipsis when the sort arrow and filter button leave it too little room: one pixel short is "Ti…"
    const fits = label.scrollWidth <= label.clientWidth && label.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1;
    return { text: label.textContent?.trim(), fits, onScreen: r.width > 0 && r.left >= g.left - 1 && r.right <= right + 1 };
  }, col);
}

/** what a trader reads in a working order's row without scrolling the blotter sideways, with each column's header */
const FIRST_SIGHT: Array<[string, string]> = [
  ['created_at', 'Time'],
  ['symbol', 'Symbol'],
  ['side', 'Side'],
  ['type', 'Type'],
  ['price', 'Price'],
  ['trigger', 'Trigger'],
  ['quantity', 'Qty'],
  ['filled_quantity', 'Filled'],
  ['status', 'Status'],
];

// a browser and an engine on a machine shared with other work: generous limits, never a timing assertion
describe('trigger orders in the open-orders blotter in Chromium', { timeout: 300_000 }, () => {
  beforeAll(async () => {
    term = await openTerminal({ speed: 1 });
    ({ page, errors } = term);
  }, 180_000);

  afterAll(async () => {
    await term?.close();
  });

  it('a take profit limit and a stop: short type and trigger price visible at 1280×720 and 1600×1000', async () => {
    await api('orders', { method: 'POST', body: { account: 'paper', symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.02' } });
    const bid = Number((await api<{ bid: string }>('ticker?account=paper&symbol=BTC/USDT')).bid);
    // far enough from the market that the replay reaches neither
    const tpStop = at(bid, 1.05);
    const slStop = at(bid, 0.95);
    const tp = await api<Order>('orders', {
      method: 'POST',
      body: { account: 'paper', symbol: 'BTC/USDT', side: 'sell', type: 'take_profit_limit', quantity: '0.005', stop_price: tpStop, price: at(bid, 1.049) },
    });
    const sl = await api<Order>('orders', { method: 'POST', body: { account: 'paper', symbol: 'BTC/USDT', side: 'sell', type: 'stop_market', quantity: '0.005', stop_price: slStop } });

    await page.click('[data-testid="tab-open"]');
    for (const size of [
      { width: 1280, height: 720 },
      { width: 1600, height: 1000 },
    ]) {
      await page.setViewportSize(size);
      for (const [o, label, trigger] of [
        [tp, 'TP LMT', tpStop],
        [sl, 'Stop', slStop],
      ] as const) {
        await expect.poll(() => cell(o.id, 'type'), { timeout: 30_000 }).toEqual({ text: label, fits: true, onScreen: true });
        await expect.poll(() => cell(o.id, 'trigger'), { timeout: 30_000 }).toMatchObject({ text: Number(trigger).toLocaleString('en-US', { maximumFractionDigits: 8 }), fits: true, onScreen: true });
        for (const [col] of FIRST_SIGHT) expect({ col, ...(await cell(o.id, col)) }).toMatchObject({ col, fits: true, onScreen: true });
      }
      for (const [col, name] of FIRST_SIGHT) expect({ col, ...(await header(col)) }).toEqual({ col, text: name, fits: true, onScreen: true });
      await page.screenshot({ path: join(SHOTS, `blotter-trigger-${size.width}x${size.height}.png`) });
    }

    // a waiting stop's trigger is edited in place: double-click, type, Enter (orders.amend stop_price)
    const moved = at(bid, 0.94);
    await page.locator(`[data-grid="open-orders"] .ag-row[row-id="${sl.id}"] [col-id="trigger"]`).first().dblclick();
    const editor = page.locator('[data-grid="open-orders"] .ag-cell-inline-editing input');
    await editor.waitFor();
    await editor.fill(moved);
    await editor.press('Enter');
    await expect.poll(async () => (await api<Order>(`orders/${sl.id}`)).stop_price, { timeout: 30_000 }).toBe(String(Number(moved)));
    await expect.poll(() => cell(sl.id, 'trigger'), { timeout: 30_000 }).toMatchObject({ text: Number(moved).toLocaleString('en-US', { maximumFractionDigits: 8 }) });
    expect(errors).toEqual([]);
  });
});
