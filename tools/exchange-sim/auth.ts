import type { Account, Accounts } from './accounts.js';
import { errors } from './errors.js';
import { verifySigned as verifyBinanceSigned } from '../../src-main/api/binance/signing.js';

// the signing rules are Binance's, shared with Tern's Binance gateway
export { hmacHex, withoutSignature, wsApiPayload } from '../../src-main/api/binance/signing.js';

/** The API key of a request that needs one (USER_STREAM, TRADE, USER_DATA). */
export function requireApiKey(accounts: Accounts, apiKey: string | undefined): Account {
  if (apiKey === undefined || apiKey === '') throw errors.apiKeyFormat();
  const account = accounts.get(apiKey);
  if (!account) throw errors.invalidApiKey();
  return account;
}

/** Binance's SIGNED check with the account's secret (src-main/api/binance/signing.ts). */
export function verifySigned(account: Account, params: Record<string, string>, signedPayload: string, now: number): void {
  verifyBinanceSigned(account.secret, params, signedPayload, now);
}
