import { badRequest } from '../../../src-common/contract/errors.js';
import { Decimal } from '../../engine/model/decimal.js';

/** A simulated account's starting balances (e.g. { USDT: '100000' }) as exact amounts; refuses what is not a non-negative decimal, naming the asset. */
export function parseStartingBalances(balances: Record<string, string>): Array<[string, Decimal]> {
  return Object.entries(balances).map(([asset, value]) => {
    let amount: Decimal | undefined;
    try {
      amount = new Decimal(value);
    } catch {
      amount = undefined;
    }
    if (!amount || !amount.isFinite() || amount.isNeg()) {
      throw badRequest(`startingBalances.${asset} must be a non-negative decimal string, got ${JSON.stringify(value)}`);
    }
    return [asset, amount];
  });
}
