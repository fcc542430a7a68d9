import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../../src-common/contract/schemas.js';
import { ctx, type Harness, marketAt, startHarness, SYMBOL } from '../../helpers/engine-harness.js';

// An OCO pair's take-profit leg may be a take profit trigger (Binance's
// TAKE_PROFIT / TAKE_PROFIT_LIMIT OCO legs) as well as a limit: whichever leg
// the market reaches first fires and the other is canceled, held by the venue
// (its order list) or linked by Tern (both triggers held by Tern).
let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

const HELD_BY_TERN = { stopOrders: false, takeProfitOrders: false, oco: false, trailingStop: false };
const start = (mode: 'venue' | 'tern') => startHarness(mode === 'tern' ? { capabilities: HELD_BY_TERN } : {});
const get = (id: string) => h.engine.call('orders.get', { id }, ctx) as Promise<Order>;
const oco = (body: Record<string, unknown>) => h.engine.call('orders.oco', { symbol: SYMBOL, quantity: '1', ...body }, ctx) as Promise<{ oco_id: string; orders: Order[] }>;
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    const e = err as { code: string; message: string; details?: Record<string, unknown> };
    return { code: e.code, field: e.details?.['field'], rule: e.details?.['rule'] };
  }
  throw new Error('not refused');
};
const long = async () => {
  await marketAt(h, 100);
  await h.engine.call('orders.create', { symbol: SYMBOL, quantity: '1', side: 'buy', type: 'market' }, ctx);
};
const position = async () => ((await h.engine.call('positions.list', {}, ctx)) as Array<{ symbol: string; quantity: string }>).find((p) => p.symbol === SYMBOL)?.quantity ?? '0';

for (const mode of ['venue', 'tern'] as const) {
  describe(`OCO with a take profit trigger (held by ${mode})`, () => {
    it('a take_profit_market leg: waits above the market, fires a market sell when reached, and the stop is canceled', async () => {
      h = await start(mode);
      await long();
      const group = await oco({ side: 'sell', take_profit: { type: 'take_profit_market', stop_price: '110' }, stop_loss: { stop_price: '95' } });
      const [tp, sl] = group.orders;
      expect([tp!.type, tp!.stop_price, tp!.price, tp!.role, tp!.held_by, tp!.status]).toEqual(['take_profit_market', '110', null, 'take_profit', mode, 'open']);
      expect([sl!.type, sl!.stop_price, sl!.status]).toEqual(['stop_market', '95', 'open']);
      await marketAt(h, 105);
      expect((await get(tp!.id)).status).toBe('open');
      await marketAt(h, 110);
      expect((await get(tp!.id)).status).toBe('filled');
      expect(await get(sl!.id)).toMatchObject({ status: 'canceled', reject_reason: 'oco: the take profit leg triggered' });
      expect(await position()).toBe('0');
    });

    it('a take_profit_limit leg: fires a limit at its price; the stop still ends the pair when it is reached first', async () => {
      h = await start(mode);
      await long();
      const first = await oco({ side: 'sell', quantity: '0.5', take_profit: { type: 'take_profit_limit', stop_price: '110', price: '109' }, stop_loss: { stop_price: '95', price: '94' } });
      expect(first.orders.map((o) => [o.type, o.stop_price, o.price])).toEqual([['take_profit_limit', '110', '109'], ['stop_limit', '95', '94']]);
      await marketAt(h, 110);
      expect(await get(first.orders[0]!.id)).toMatchObject({ status: 'filled', filled_quantity: '0.5' });
      expect((await get(first.orders[1]!.id)).status).toBe('canceled');
      // the stop reached first: the take profit trigger is canceled
      const second = await oco({ side: 'sell', quantity: '0.5', take_profit: { type: 'take_profit_market', stop_price: '120' }, stop_loss: { stop_price: '105' } });
      await marketAt(h, 105);
      expect((await get(second.orders[1]!.id)).status).toBe('filled');
      expect(await get(second.orders[0]!.id)).toMatchObject({ status: 'canceled', reject_reason: 'oco: the stop leg triggered' });
      expect(await position()).toBe('0');
    });

    it('a buy OCO: the take profit trigger below the market, the stop above', async () => {
      h = await start(mode);
      await marketAt(h, 100);
      const group = await oco({ side: 'buy', reduce_only: false, take_profit: { type: 'take_profit_limit', stop_price: '90', price: '90.5' }, stop_loss: { stop_price: '110' } });
      expect(group.orders.map((o) => o.status)).toEqual(['open', 'open']);
      await marketAt(h, 90);
      expect((await get(group.orders[0]!.id)).status).toBe('filled');
      expect((await get(group.orders[1]!.id)).status).toBe('canceled');
      expect(await position()).toBe('1');
    });

    it('refusals name the take profit field and rule', async () => {
      h = await start(mode);
      await long();
      const sl = { stop_price: '95' };
      expect(await refusal(oco({ side: 'sell', take_profit: { type: 'take_profit_market', stop_price: '99' }, stop_loss: sl }))).toEqual({ code: 'INVALID_ORDER', field: 'take_profit.stop_price', rule: 'take_profit_side' });
      expect(await refusal(oco({ side: 'sell', take_profit: { type: 'take_profit_market', stop_price: '94' }, stop_loss: sl }))).toMatchObject({ field: 'take_profit.stop_price', rule: 'take_profit_beyond_stop' });
      expect(await refusal(oco({ side: 'sell', take_profit: { type: 'take_profit_limit', price: '110' }, stop_loss: sl }))).toMatchObject({ code: 'INVALID_ORDER', field: 'take_profit.stop_price' });
      expect(await refusal(oco({ side: 'sell', take_profit: { type: 'take_profit_market', stop_price: '110', price: '110' }, stop_loss: sl }))).toMatchObject({ code: 'INVALID_ORDER', field: 'take_profit.price' });
      expect(await refusal(oco({ side: 'sell', take_profit: { stop_price: '110' }, stop_loss: sl }))).toMatchObject({ code: 'INVALID_ORDER', field: 'take_profit.price' });
      // the dry run says the same
      const check = (await h.engine.call('orders.check', { oco: { symbol: SYMBOL, quantity: '1', side: 'sell', take_profit: { type: 'take_profit_market', stop_price: '99' }, stop_loss: sl } }, ctx)) as { held_by: string; refusals: Array<{ details?: Record<string, unknown> }> };
      expect([check.held_by, check.refusals[0]?.details?.['rule']]).toEqual([mode, 'take_profit_side']);
      expect(h.engine.oms.activeOrders({}).length).toBe(0);
    });
  });
}
