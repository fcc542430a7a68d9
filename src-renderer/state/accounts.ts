import type { Account } from '../../src-common/contract/schemas.js';
import type { TernClient } from '../client/types.js';
import { useMarket } from './market.js';
import { useReference } from './reference.js';

/**
 * What the stores do when the trader adds or removes an account: the account
 * list, its instruments (a new account brings its exchange's markets), and the
 * market on screen, which never stays on an account that is gone.
 */
export async function accountAdded(client: TernClient, account: Account): Promise<void> {
  useReference.getState().upsertAccount(account);
  try {
    useReference.getState().setInstruments(await client.call('instruments.list', {}));
  } catch {
    // the list stays as it was; the next resync reloads it
  }
}

export function accountRemoved(id: string): void {
  const ref = useReference.getState();
  ref.removeAccount(id);
  const market = useMarket.getState();
  if (market.account !== id) return;
  const { accounts, instruments } = useReference.getState();
  const next = accounts[0];
  if (!next) return;
  const symbols = instruments.filter((i) => i.account === next.id).map((i) => i.symbol);
  const symbol = symbols[0] ?? market.symbol;
  market.setWatchlist(symbols.length > 0 ? symbols.slice(0, 12) : [symbol]);
  market.selectMarket(next.id, symbol);
}
