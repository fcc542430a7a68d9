import { Decimal } from '../../src-main/engine/model/decimal.js';
import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, OrderRecord, PositionRecord } from '../../src-main/engine/model/types.js';

/** Records for store tests, with overridable fields. */
export const d = (v: string | number) => new Decimal(v);

export function order(over: Partial<OrderRecord> = {}): OrderRecord {
  return {
    id: 'O-1',
    clientOrderId: 'T-1',
    account: 'paper',
    symbol: 'BTC-USDT',
    side: 'buy',
    type: 'limit',
    quantity: d('0.015'),
    price: d('27123.45'),
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    state: 'accepted',
    previousState: null,
    filledQuantity: d(0),
    averagePrice: null,
    fees: d(0),
    rejectReason: null,
    venueOrderId: 'V-1',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...over,
  };
}

export function fill(over: Partial<FillRecord> = {}): FillRecord {
  return {
    id: 'F-1',
    orderId: 'O-1',
    clientOrderId: 'T-1',
    account: 'paper',
    symbol: 'BTC-USDT',
    side: 'buy',
    quantity: d('0.015'),
    price: d('27123.45'),
    fee: d('0.00040685175'),
    feeAsset: 'USDT',
    liquidity: 'taker',
    venueTradeId: 'VT-1',
    ts: 1_700_000_000_100,
    ...over,
  };
}

export function position(over: Partial<PositionRecord> = {}): PositionRecord {
  return {
    account: 'paper',
    symbol: 'BTC-USDT',
    quantity: d('-0.5'),
    averagePrice: d('27000.1'),
    realizedPnl: d('12.000000000000000001'),
    feesPaid: d('0.3'),
    updatedAt: 1_700_000_000_200,
    ...over,
  };
}

export function balance(over: Partial<BalanceRecord> = {}): BalanceRecord {
  return { account: 'paper', asset: 'USDT', total: d('10000.5'), locked: d('100'), updatedAt: 1_700_000_000_300, ...over };
}

export function account(over: Partial<AccountRecord> = {}): AccountRecord {
  return { id: 'paper', exchange: 'binance', mode: 'paper', status: 'active', startingBalances: { USDT: '10000' }, createdAt: 1_699_000_000_000, ...over };
}

export function apiKey(over: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return { id: 'K-1', name: 'bot', scopes: ['read', 'trade'], hash: 'ab'.repeat(32), createdAt: 1_699_000_000_500, revokedAt: null, expiresAt: null, ...over };
}
