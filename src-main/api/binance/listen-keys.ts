import { randomBytes } from 'node:crypto';

/** Binance's: a listenKey without a keepalive for 60 minutes expires. */
export const LISTEN_KEY_TTL_MS = 60 * 60_000;

export interface ListenKey {
  listenKey: string;
  /** the Tern API key that created it: its streams end with the key */
  keyId: string;
  /** the account whose orders and balances the stream reports */
  account: string;
  expiresAt: number;
}

/**
 * The user-data listen keys of Binance's `/api/v3/userDataStream`: one per
 * Tern API key and account (asking again returns the same one, extended, as
 * Binance does), bound to that key and account, expiring `ttlMs` after the
 * last keepalive. The clock is injected, so expiry is tested without waiting.
 */
export class ListenKeys {
  private readonly byKey = new Map<string, ListenKey>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = LISTEN_KEY_TTL_MS,
  ) {}

  create(keyId: string, account: string): ListenKey {
    for (const k of this.byKey.values()) {
      if (k.keyId === keyId && k.account === account && k.expiresAt > this.now()) {
        k.expiresAt = this.now() + this.ttlMs;
        return k;
      }
    }
    // 60 alphanumerics, like Binance's
    const listenKey = randomBytes(30).toString('hex');
    const k: ListenKey = { listenKey, keyId, account, expiresAt: this.now() + this.ttlMs };
    this.byKey.set(listenKey, k);
    return k;
  }

  /** the live key, if `keyId` created it for `account`; an expired one is gone */
  get(listenKey: string, keyId?: string, account?: string): ListenKey | undefined {
    const k = this.byKey.get(listenKey);
    if (k === undefined || k.expiresAt <= this.now()) return undefined;
    if ((keyId !== undefined && k.keyId !== keyId) || (account !== undefined && k.account !== account)) return undefined;
    return k;
  }

  keepalive(k: ListenKey): void {
    k.expiresAt = this.now() + this.ttlMs;
  }

  close(k: ListenKey): void {
    this.byKey.delete(k.listenKey);
  }

  /** forgets and returns the keys that expired, or whose API key is no longer live */
  sweep(live: (keyId: string) => boolean): ListenKey[] {
    const gone: ListenKey[] = [];
    for (const k of this.byKey.values()) {
      if (k.expiresAt <= this.now() || !live(k.keyId)) {
        this.byKey.delete(k.listenKey);
        gone.push(k);
      }
    }
    return gone;
  }
}
