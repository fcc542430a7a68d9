import { beforeEach, describe, expect, it } from 'vitest';
import { accountAdded, accountRemoved } from '../../../src-renderer/state/accounts.js';
import { useMarket } from '../../../src-renderer/state/market.js';
import { useReference } from '../../../src-renderer/state/reference.js';
import { FakeClient, INSTRUMENT } from '../helpers/fake-client.js';
import { resetStores } from '../helpers/stores.js';

const PAPER = { id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' } as const;
const LIVE = { id: 'okx', exchange: 'okx', mode: 'live', status: 'active' } as const;

beforeEach(() => {
  resetStores();
  useReference.getState().setAccounts([PAPER, LIVE]);
  useReference.getState().setInstruments([INSTRUMENT, { ...INSTRUMENT, account: 'okx', symbol: 'ETH/USDT' }]);
});

describe('accounts in the stores', () => {
  it('an accounts event for a deleted account takes it and its instruments out', () => {
    useReference.getState().upsertAccount({ ...LIVE, status: 'deleted' });
    expect(useReference.getState().accounts).toEqual([PAPER]);
    expect(useReference.getState().instruments.map((i) => i.account)).toEqual(['paper']);
  });

  it('removing the account on screen moves the screen to another account and its market', () => {
    useMarket.getState().selectMarket('okx', 'ETH/USDT');
    accountRemoved('okx');
    expect(useMarket.getState()).toMatchObject({ account: 'paper', symbol: 'BTC/USDT', watchlist: ['BTC/USDT'] });
  });

  it('removing another account leaves the screen alone', () => {
    useMarket.getState().selectMarket('paper', 'BTC/USDT');
    accountRemoved('okx');
    expect(useMarket.getState().account).toBe('paper');
  });

  it('an added account brings its instruments', async () => {
    const client = new FakeClient({ 'instruments.list': () => [INSTRUMENT, { ...INSTRUMENT, account: 'p2' }] });
    await accountAdded(client, { id: 'p2', exchange: 'paper', mode: 'paper', status: 'active' });
    expect(useReference.getState().accounts.map((a) => a.id)).toEqual(['paper', 'okx', 'p2']);
    expect(useReference.getState().instruments.map((i) => i.account)).toEqual(['paper', 'p2']);
  });
});
