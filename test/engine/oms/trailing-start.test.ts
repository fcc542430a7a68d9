import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { SYMBOL, ctx, pushBookAround, startHarness, type Harness } from '../../helpers/engine-harness.js';

// Issue 12: "the DTO shows the current stop_price" — also before the market first moves.
// A trailing stop the paper venue holds starts from the last price when placed; the order's
// DTO says where its stop is from the start (it said null until the first move), as does
// one Tern holds.
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

describe('a trailing stop shows its stop from the moment it is placed', () => {
  for (const mode of ['tern', 'venue'] as const) {
    it(`(${mode}) 5 % under the last price of 100: stop 95, in the answer, in orders.get and after a restart`, async () => {
      h = await startHarness(mode === 'tern' ? { capabilities: EMULATED } : {});
      pushBookAround(h.feed, 100);
      h.feed.pushTrade(SYMBOL, '100.00', '1');
      await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
      const placed = (await h.engine.call(
        'orders.create',
        { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: '5', trailing_unit: 'percent', reduce_only: true },
        ctx,
      )) as unknown as Order;
      const got = (await h.engine.call('orders.get', { id: placed.id }, ctx)) as unknown as Order;
      expect([got.status, got.held_by, got.stop_price]).toEqual(['open', mode, '95']);
      const { file } = h;
      await h.engine.stop();
      h.store.close();
      h = await startHarness({ ...(mode === 'tern' ? { capabilities: EMULATED } : {}), file, runTag: 'again' });
      expect(((await h.engine.call('orders.get', { id: placed.id }, ctx)) as unknown as Order).stop_price).toBe('95');
    });
  }
});
