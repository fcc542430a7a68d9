import { describe, expect, it } from 'vitest';
import { dec } from '../../../src-main/engine/model/decimal.js';
import { BalanceLedger } from '../../../src-main/venues/sim/balance-ledger.js';

const view = (l: BalanceLedger, asset: string) => [l.total(asset).toFixed(), l.locked(asset).toFixed(), l.free(asset).toFixed()];

describe('BalanceLedger', () => {
  it('free is total minus the locks of all orders on that asset', () => {
    const l = new BalanceLedger([['USDT', dec('1000')]]);
    l.lock('P-1', { asset: 'USDT', amount: dec('100.2') });
    l.lock('P-2', { asset: 'USDT', amount: dec('50') });
    expect(view(l, 'USDT')).toEqual(['1000', '150.2', '849.8']);
    l.unlock('P-1');
    expect(view(l, 'USDT')).toEqual(['1000', '50', '950']);
  });

  it('a new lock for the same order replaces the old one', () => {
    const l = new BalanceLedger([['BTC', dec('2')]]);
    l.lock('P-1', { asset: 'BTC', amount: dec('1.5') });
    l.lock('P-1', { asset: 'BTC', amount: dec('0.5') });
    expect(view(l, 'BTC')).toEqual(['2', '0.5', '1.5']);
  });

  it('an asset never held has zero balances', () => {
    expect(view(new BalanceLedger(), 'ETH')).toEqual(['0', '0', '0']);
  });

  it('takeChanges reports each changed asset once, and nothing when nothing changed', () => {
    const l = new BalanceLedger([['USDT', dec('1000')]]);
    expect(l.takeChanges()).toEqual([]);
    l.debit('USDT', dec('100'));
    l.credit('BTC', dec('1'));
    expect(l.takeChanges().map((b) => `${b.asset} ${b.total.toFixed()}/${b.locked.toFixed()}`)).toEqual(['BTC 1/0', 'USDT 900/0']);
    l.credit('USDT', dec('5'));
    l.debit('USDT', dec('5'));
    expect(l.takeChanges()).toEqual([]);
  });

  it('takeChanges lists the changed assets by name whatever order they were first held in', () => {
    const l = new BalanceLedger([['USDT', dec('1000')], ['BTC', dec('1')], ['ETH', dec('5')]]);
    const names = () => l.takeChanges().map((b) => b.asset);
    l.credit('ETH', dec('1'));
    l.debit('USDT', dec('1'));
    expect(names()).toEqual(['ETH', 'USDT']);
    l.credit('BTC', dec('1'));
    l.debit('ETH', dec('1'));
    expect(names()).toEqual(['BTC', 'ETH']);
    l.credit('BTC', dec('1'));
    l.debit('ETH', dec('1'));
    l.debit('USDT', dec('1'));
    expect(names()).toEqual(['BTC', 'ETH', 'USDT']);
  });

  it('replace drops all locks and counts the new state as reported', () => {
    const l = new BalanceLedger([['USDT', dec('1000')]]);
    l.lock('P-1', { asset: 'USDT', amount: dec('10') });
    l.replace([['USDT', dec('5')]]);
    expect(view(l, 'USDT')).toEqual(['5', '0', '5']);
    expect(l.takeChanges()).toEqual([]);
  });
});
