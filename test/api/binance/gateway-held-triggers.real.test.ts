/**
 * Stops, take profits and OCO lists Tern holds itself (a venue without them:
 * held_by 'tern') answer a bot through the Binance gateway as the exchange's
 * own do (issue 14): one the market already reached is Binance's -2010
 * "Order would trigger immediately." (ccxt: OrderImmediatelyFillable), not an
 * order that fires at once; an OCO's TAKE_PROFIT leg waits in Tern and fires.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayUnderTest } from '../../helpers/binance-gateway.js';

type Api = Record<string, (params: Record<string, unknown>) => Promise<Record<string, any>>>;
const admin = { actor: 'test' };
let gw: GatewayUnderTest;

beforeAll(async () => {
  gw = await startGateway(undefined, { capabilities: { stopOrders: false, takeProfitOrders: false, oco: false, trailingStop: false } });
  gw.te.feed.pushTrade('BTC/USDT', '45000', '0.01', 'buy');
  await gw.ex.createOrder('BTC/USDT', 'market', 'buy', 0.2);
});

afterAll(() => gw?.close());

describe('triggers Tern holds, through the Binance gateway', () => {
  it('a STOP_LOSS or TAKE_PROFIT the last price already reached is OrderImmediatelyFillable; one ahead of it waits, held by Tern', async () => {
    const { ex, te } = gw;
    await expect(ex.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { stopLossPrice: 45100 })).rejects.toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    await expect(ex.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { takeProfitPrice: 44900 })).rejects.toBeInstanceOf(ccxt.OrderImmediatelyFillable);
    const waits = await ex.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { stopLossPrice: 44000 });
    expect((waits.info as Record<string, unknown>)['type']).toBe('STOP_LOSS');
    expect(await te.engine.call('orders.get', { id: String(waits.clientOrderId) }, admin)).toMatchObject({ held_by: 'tern', status: 'open', stop_price: '44000' });
    await ex.cancelOrder(String(waits.id), 'BTC/USDT');
  });

  it('an OCO list with a TAKE_PROFIT leg: both legs wait in Tern; the take profit fires on the rise and the stop leg expires', async () => {
    const { ex, te } = gw;
    const api = ex as unknown as Api;
    const r = await api['privatePostOrderListOco']!({
      symbol: 'BTCUSDT', side: 'SELL', quantity: '0.1', listClientOrderId: 'held-list',
      aboveType: 'TAKE_PROFIT', aboveStopPrice: '46000', belowType: 'STOP_LOSS', belowStopPrice: '44000',
    });
    expect(r['orderReports'].map((x: any) => [x.clientOrderId, x.type, x.status])).toEqual([
      ['held-list-sl', 'STOP_LOSS', 'NEW'],
      ['held-list-tp', 'TAKE_PROFIT', 'NEW'],
    ]);
    expect(await te.engine.call('orders.get', { id: 'held-list-tp' }, admin)).toMatchObject({ held_by: 'tern', type: 'take_profit_market' });
    te.feed.pushBook('BTC/USDT', [['45999.99', '100']], [['46000.01', '100']]);
    te.feed.pushTrade('BTC/USDT', '46000', '0.01', 'buy');
    let tp = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'held-list-tp' });
    for (let i = 0; i < 50 && tp.status !== 'closed'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      tp = await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'held-list-tp' });
    }
    expect(tp).toMatchObject({ status: 'closed', filled: 0.1 });
    expect((await ex.fetchOrder(undefined as unknown as string, 'BTC/USDT', { origClientOrderId: 'held-list-sl' })).status).toBe('expired');
    expect(await api['privateGetOrderList']!({ origClientOrderId: 'held-list' })).toMatchObject({ listOrderStatus: 'ALL_DONE' });
  });
});
