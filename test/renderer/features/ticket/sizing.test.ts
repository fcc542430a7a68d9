import { describe, expect, it } from 'vitest';
import { type SizingInput, buyFeeRate, entryPrice, floorToStep, lossPerUnit, sizeTicket } from '../../../../src-renderer/features/ticket/sizing.js';
import { dec } from '../../../../src-renderer/lib/decimal.js';
import { INSTRUMENT } from '../../helpers/fake-client.js';

// INSTRUMENT: BTC/USDT, step 0.00001, min quantity 0.00001, min value 5 USDT, maker 0.1 %, taker 0.2 %
const TOUCH = { bid: '40000', ask: '40001', last: '40000.5' };
const size = (patch: Partial<SizingInput>) =>
  sizeTicket({
    mode: 'base',
    side: 'buy',
    type: 'limit',
    amount: '',
    amountTypedIn: '',
    pct: 0,
    riskUnit: 'quote',
    stopLoss: '',
    limitPrice: '40000',
    stopPrice: '',
    touch: TOUCH,
    instrument: INSTRUMENT,
    free: { base: '0.123456', quote: '100000' },
    equity: { value: '100000', asset: 'USDT' },
    ...patch,
  });
const qty = (patch: Partial<SizingInput>) => {
  const s = size(patch);
  expect(s.error).toBeNull();
  return s.quantity?.toFixed();
};

describe('ticket sizing', () => {
  it('rounds down to the step, never up', () => {
    expect(floorToStep(dec('0.123456789'), INSTRUMENT).toFixed()).toBe('0.12345');
    expect(floorToStep(dec('0.99999999'), INSTRUMENT).toFixed()).toBe('0.99999');
    expect(floorToStep(dec('0.00002'), INSTRUMENT).toFixed()).toBe('0.00002');
  });

  it('sizes at the limit price, a stop market trigger, or the touch the order would take', () => {
    expect(entryPrice('limit', 'buy', '39000', '', TOUCH)?.toFixed()).toBe('39000');
    expect(entryPrice('stop_limit', 'sell', '39000', '39100', TOUCH)?.toFixed()).toBe('39000');
    expect(entryPrice('stop_market', 'buy', '', '41000', TOUCH)?.toFixed()).toBe('41000');
    expect(entryPrice('market', 'buy', '', '', TOUCH)?.toFixed()).toBe('40001');
    expect(entryPrice('market', 'sell', '', '', TOUCH)?.toFixed()).toBe('40000');
    expect(entryPrice('market', 'sell', '', '', { bid: null, ask: null, last: '40000.5' })?.toFixed()).toBe('40000.5');
    expect(entryPrice('limit', 'buy', '', '', TOUCH)).toBeNull();
  });

  it('base mode is typed, not sized', () => {
    expect(size({ mode: 'base' })).toMatchObject({ quantity: null, error: null });
  });

  it('a quote amount becomes the base quantity at the price, rounded down', () => {
    // 1000 / 40001 = 0.024999375… → 0.02499
    const s = size({ mode: 'quote', type: 'market', amount: '1,000' });
    expect(s.quantity?.toFixed()).toBe('0.02499');
    expect(s.notional?.toFixed()).toBe('999.62499');
    expect(size({ mode: 'quote', amount: '' }).error).toBe('Enter an amount in USDT');
    expect(size({ mode: 'quote', amount: 'abc' }).error).toBe('Amount must be a number above zero');
  });

  it('a buy takes its share of the free quote at the price, net of the fee the venue holds back', () => {
    // a resting limit is held at the dearer fee (0.2 %): 25,000 / (40,000 × 1.002) = 0.623752… → 0.62375
    expect(buyFeeRate('limit', INSTRUMENT).toFixed()).toBe('0.002');
    const s = size({ mode: 'percent', pct: 25 });
    expect(s.quantity?.toFixed()).toBe('0.62375');
    expect(s.basis).toEqual({ amount: dec('100000'), asset: 'USDT' });
    // what it holds back fits inside the share: 0.62375 × 40,000 × 1.002 = 24,999.9
    expect(s.quantity!.mul(40000).mul('1.002').lte(25000)).toBe(true);
    // a market buy at the ask, taker fee: 1,000 / (40,001 × 1.002) = 0.024949… → 0.02494
    expect(qty({ mode: 'percent', pct: 100, type: 'market', free: { base: null, quote: '1000' } })).toBe('0.02494');
  });

  it('a sell takes its share of the free base', () => {
    // 0.123456 × 50 % = 0.061728 → 0.06172
    expect(qty({ mode: 'percent', pct: 50, side: 'sell' })).toBe('0.06172');
    expect(qty({ mode: 'percent', pct: 100, side: 'sell', type: 'market' })).toBe('0.12345');
    expect(size({ mode: 'percent', pct: 50, side: 'sell', free: { base: null, quote: '100000' } }).error).toBe('No free BTC on this account');
  });

  it('risk mode: the stop distance plus the taker fee on entry and exit, rounded down', () => {
    // per BTC: 40,000 − 39,000 + 40,000 × 0.002 + 39,000 × 0.002 = 1,000 + 80 + 78 = 1,158
    expect(lossPerUnit(dec('40000'), dec('39000'), dec('0.002')).toFixed()).toBe('1158');
    // 100 / 1,158 = 0.086355… → 0.08635 (0.1 without the fees)
    const s = size({ mode: 'risk', amount: '100', stopLoss: '39000' });
    expect(s.error).toBeNull();
    expect(s.quantity?.toFixed()).toBe('0.08635');
    expect(s.notional?.toFixed()).toBe('3454');
    expect(s.risk?.toFixed()).toBe('100');
    expect(s.lossAtStop?.toFixed()).toBe('99.9933');
  });

  it('risk mode: a percent of equity, for a sell at the bid with the stop above', () => {
    // 0.5 % of 100,000 = 500; per BTC: 40,500 − 40,000 + 80 + 81 = 661; 500 / 661 = 0.756429… → 0.75642
    const s = size({ mode: 'risk', side: 'sell', type: 'market', riskUnit: 'equity', amount: '0.5', stopLoss: '40500' });
    expect(s.error).toBeNull();
    expect(s.quantity?.toFixed()).toBe('0.75642');
    expect(s.notional?.toFixed()).toBe('30256.8');
    expect(s.lossAtStop?.toFixed()).toBe('499.99362');
  });

  it('risk mode names what is missing or wrong', () => {
    expect(size({ mode: 'risk', amount: '', stopLoss: '39000' }).error).toBe('Enter the amount to risk (USDT)');
    expect(size({ mode: 'risk', amount: '100', stopLoss: '' }).error).toBe('Enter the stop-loss price the risk is measured to');
    expect(size({ mode: 'risk', amount: '100', stopLoss: '41000' }).error).toBe('For a buy the stop-loss must be below the entry (40,000)');
    expect(size({ mode: 'risk', side: 'sell', amount: '100', stopLoss: '39000' }).error).toBe('For a sell the stop-loss must be above the entry (40,000)');
    expect(size({ mode: 'risk', amount: '100', stopLoss: '39000', limitPrice: '' }).error).toBe('Enter a limit price to size the order at');
    expect(size({ mode: 'risk', riskUnit: 'equity', amount: '101', stopLoss: '39000' }).error).toBe('Risk is a percent of equity: at most 100');
    expect(size({ mode: 'risk', riskUnit: 'equity', amount: '1', stopLoss: '39000', equity: null }).error).toBe('Equity is not known yet');
    expect(size({ mode: 'risk', riskUnit: 'equity', amount: '1', stopLoss: '39000', equity: { value: '3', asset: 'BTC' } }).error).toBe('Equity is valued in BTC: risk an amount of USDT on BTC/USDT');
  });

  it('an amount typed in another unit is not reused: 100 USDT is not 100 BTC', () => {
    const ethBtc = { ...INSTRUMENT, symbol: 'ETH/BTC', base: 'ETH', quote: 'BTC', min_notional: '0.0001' };
    expect(size({ mode: 'quote', amount: '100', amountTypedIn: 'USDT', instrument: ethBtc, limitPrice: '0.05' }).error).toBe('The amount was typed in USDT: enter it in BTC');
    expect(size({ mode: 'risk', amount: '100', amountTypedIn: 'USDT', stopLoss: '0.04', instrument: ethBtc, limitPrice: '0.05' }).error).toBe('The amount was typed in USDT: enter it in BTC');
    expect(size({ mode: 'risk', riskUnit: 'equity', amount: '1', amountTypedIn: '% of equity', stopLoss: '39000' }).error).toBeNull();
    // 0.1 BTC at 0.05 = 2 ETH
    expect(qty({ mode: 'quote', amount: '0.1', amountTypedIn: 'BTC', instrument: ethBtc, limitPrice: '0.05' })).toBe('2');
  });

  it('checks the rounded quantity against the minimum quantity and order value', () => {
    // 0.0001 USDT buys nothing on the step
    expect(size({ mode: 'quote', amount: '0.0001' }).error).toBe('Comes to 0 BTC after rounding down to the step: below the minimum 0.00001 BTC');
    // 4 USDT: 0.0001 BTC, worth 4 USDT < 5
    const s = size({ mode: 'quote', amount: '4' });
    expect(s.quantity).toBeNull();
    expect(s.error).toBe('Comes to 4 USDT: below the minimum order value 5 USDT');
    // 5 USDT comes to 0.00012 BTC (4.80 USDT) after rounding; 5.20 to 0.00013 (5.20)
    expect(size({ mode: 'quote', amount: '5' }).error).toBe('Comes to 4.8 USDT: below the minimum order value 5 USDT');
    expect(qty({ mode: 'quote', amount: '5.2' })).toBe('0.00013');
  });
});
