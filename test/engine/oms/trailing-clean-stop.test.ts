import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { SYMBOL, ctx, pushBookAround, startHarness, type Harness } from '../../helpers/engine-harness.js';

// Issue 12: trailing-stop moves are journaled in batches (at most every 250 ms). A clean
// stop (engine.stop: the app quits, `serve` shuts down) writes the batch still waiting,
// so the restarted engine has the latest stop, not the one of the last batch.
const EMULATED = { stopOrders: true, oco: false, trailingStop: false };

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const marketAt = (price: number) => {
  pushBookAround(h!.feed, price);
  h!.feed.pushTrade(SYMBOL, price.toFixed(2), '1');
};

describe('a clean stop flushes trailing-stop moves still waiting for their batch', () => {
  for (const mode of ['tern', 'venue'] as const) {
    it(`(${mode}) the restarted engine has the stop of the last price before the stop`, async () => {
      const capabilities = mode === 'tern' ? EMULATED : undefined;
      h = await startHarness(capabilities ? { capabilities } : {});
      marketAt(100);
      await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'market', quantity: '1' }, ctx);
      const placed = (await h.engine.call(
        'orders.create',
        { symbol: SYMBOL, side: 'sell', type: 'trailing_stop', quantity: '1', trailing_offset: '5', trailing_unit: 'percent', reduce_only: true },
        ctx,
      )) as unknown as Order;
      const get = async () => (await h!.engine.call('orders.get', { id: placed.id }, ctx)) as unknown as Order;
      marketAt(110); // the first move: its batch is still waiting (250 ms)
      marketAt(120);
      const { file } = h;
      await h.engine.stop();
      h.store.close();
      h = await startHarness({ ...(capabilities ? { capabilities } : {}), file, runTag: 'again' });
      const back = await get();
      expect([back.status, back.stop_price, back.held_by]).toEqual(['open', '114', mode]);
      marketAt(130); // and it still trails from there
      expect((await get()).stop_price).toBe('123.5');
    });
  }
});
