import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** the ticket panel fits in the window, nothing inside it is cut off, and its button can be pressed */
export async function ticketIsWhole(page: Page, width: number, height: number): Promise<void> {
  const panel = (await page.locator('.ticket-panel').boundingBox())!;
  expect(panel.x).toBeGreaterThanOrEqual(0);
  expect(panel.y + panel.height).toBeLessThanOrEqual(height);
  expect(panel.x + panel.width).toBeLessThanOrEqual(width);
  const clipped = await page.$$eval('.ticket-panel .panel-body, .ticket-panel .ticket *', (els) =>
    els
      .filter((e) => {
        const style = getComputedStyle(e);
        // a box whose content overflows it, or a control poking out of the panel
        const overflows = (e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1) && style.overflow !== 'visible' && e.tagName !== 'INPUT' && e.tagName !== 'SELECT';
        const panel = e.closest('.ticket-panel')!.getBoundingClientRect();
        const r = e.getBoundingClientRect();
        const outside = r.width > 0 && (r.right > panel.right + 0.5 || r.bottom > panel.bottom + 0.5 || r.left < panel.left - 0.5);
        return overflows || outside;
      })
      .map((e) => `${e.tagName}.${e.className}`),
  );
  expect(clipped).toEqual([]);
  // a notification never sits on the ticket (one used to cover the send button right after an order went)
  const covered = await page.$$eval('.toast', (toasts) => {
    const t = document.querySelector('.ticket-panel')!.getBoundingClientRect();
    return toasts.map((e) => e.getBoundingClientRect()).filter((r) => r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top).length;
  });
  expect(covered).toBe(0);
  const submit = (await page.locator('[data-testid="ticket-submit"]').boundingBox())!;
  expect(submit.y + submit.height).toBeLessThanOrEqual(height);
  expect(
    await page.locator('[data-testid="ticket-submit"]').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    }),
  ).toBe(true);
}
