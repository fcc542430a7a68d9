import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { SYMBOL, ctx, pushBookAround, startHarness, type Harness } from '../../helpers/engine-harness.js';

// Issue 12: "the kill switch during a bracket storm closes each position exactly once", also when
// the market reaches the brackets' stops at the very moment the switch is thrown: a stop firing
// and the flatten order must not both sell the same coins.
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const settle = async () => {
  await h.engine.oms.exitsSettled();
  await new Promise((r) => setTimeout(r, 5));
  await h.engine.journal.durable();
};
const position = () => h.engine.portfolio.positionQuantity('paper', SYMBOL);

type Interleaving = 'stops first' | 'switch first' | 'together';

for (const mode of ['venue', 'tern'] as const) {
  describe(`kill switch while the stops fire (held by the ${mode})`, () => {
    it.each<Interleaving>(['stops first', 'switch first', 'together'])('%s: every position closed once, never sold short', async (order) => {
      h = await startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
      pushBookAround(h.feed, 100);
      h.feed.pushTrade(SYMBOL, '100.00', '1');
      const entries = Array.from({ length: 10 }, () =>
        h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '0.1', take_profit: { price: '120' }, stop_loss: { stop_price: '99' } }, ctx),
      );
      await Promise.all(entries);
      await settle();
      let lowest = position();
      const unwatch = h.engine.journal.subscribe(() => {
        if (position().lt(lowest)) lowest = position();
      });
      const fall = () => {
        pushBookAround(h.feed, 98.5);
        h.feed.pushTrade(SYMBOL, '98.50', '1');
      };
      const thrown = () => h.engine.call('risk.killSwitch', { reason: 'storm', flatten: true }, ctx);
      if (order === 'stops first') {
        fall();
        await thrown();
      } else if (order === 'switch first') {
        const switching = thrown();
        fall();
        await switching;
      } else {
        await Promise.all([thrown(), Promise.resolve().then(fall)]);
      }
      await settle();
      pushBookAround(h.feed, 98.5);
      h.feed.pushTrade(SYMBOL, '98.50', '1');
      await settle();
      unwatch();
      expect(position().toFixed()).toBe('0');
      expect(lowest.gte(0)).toBe(true);
      expect(h.engine.oms.activeOrders()).toEqual([]);
      const orders = (await h.engine.call('orders.list', { status: 'all' }, ctx)) as Order[];
      const sold = orders.filter((o) => o.side === 'sell').reduce((a, o) => a + Number(o.filled_quantity), 0);
      expect(sold).toBeCloseTo(1, 10);
      // at most one flatten order, and none when the stops had already closed everything
      const closes = orders.filter((o) => o.side === 'sell' && o.type === 'market' && o.parent_id === null);
      expect(closes.length).toBeLessThanOrEqual(1);
    });
  });
}
