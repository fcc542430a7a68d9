import type { Account } from '../../src-common/contract/schemas.js';
import { formatAge } from '../lib/format.js';

export type AccountTone = 'ok' | 'warn' | 'bad' | 'muted';

/** What the header badge says about one account's connection to its exchange. */
export interface AccountBadge {
  text: string;
  tone: AccountTone;
  /** the longer story, for a tooltip */
  title: string;
}

/**
 * When the page received each account record (epoch ms). The engine sends
 * `seconds_since_update` as of its own clock; with no `last_update` to count
 * from, the age ticks on from the moment the record arrived.
 */
const receivedAt = new WeakMap<Account, number>();

export function stampReceived(account: Account, at: number = Date.now()): void {
  receivedAt.set(account, at);
}

/** How old the account's market data is at `now` (ms), or undefined when the engine gave no time. */
export function dataAgeMs(account: Account, now: number): number | undefined {
  const md = account.market_data;
  if (!md) return undefined;
  const last = md.last_update ? Date.parse(md.last_update) : NaN;
  if (Number.isFinite(last)) return Math.max(0, now - last);
  if (md.seconds_since_update != null) {
    const at = receivedAt.get(account);
    return Math.max(0, md.seconds_since_update * 1000 + (at === undefined ? 0 : Math.max(0, now - at)));
  }
  return undefined;
}

/** "12s", then "3 min" and "2 h" once seconds stop being readable */
function ageWords(ms: number): string {
  return ms < 120_000 ? `${Math.floor(ms / 1000)}s` : formatAge(ms);
}

/**
 * contract/schemas.ts Account.status to a badge: active is quiet, stale is
 * amber with the data's age (ticking with `now`), disconnected and error are
 * red with the engine's reason; a status this page does not know is amber.
 */
export function accountBadge(account: Account, now: number): AccountBadge {
  const reason = account.reason ?? undefined;
  const who = `${account.id} (${account.exchange}, ${account.mode})`;
  switch (account.status) {
    case 'active':
      return { text: 'active', tone: 'ok', title: `${who}: market data flowing` };
    case 'stale': {
      const age = dataAgeMs(account, now);
      const text = age === undefined ? 'data stale' : `data ${ageWords(age)} old`;
      return { text, tone: 'warn', title: `${who}: market data is silent${reason ? ` — ${reason}` : ''}` };
    }
    case 'disconnected':
      return { text: 'disconnected', tone: 'bad', title: `${who}: ${reason ?? 'reconnecting to the exchange'}` };
    case 'error':
      return { text: 'error', tone: 'bad', title: `${who}: ${reason ?? 'cannot open the account; retrying'}` };
    default:
      return { text: account.status, tone: 'warn', title: `${who}: ${account.status}${reason ? ` — ${reason}` : ''}` };
  }
}
