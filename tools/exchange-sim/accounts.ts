import { randomBytes } from 'node:crypto';
import { d, D, ZERO } from './decimal.js';

export interface Balance {
  free: D;
  locked: D;
}

export interface AccountOptions {
  /** Initial balances, asset → free amount (decimal string). */
  balances?: Record<string, string>;
  /** Maker and taker fee rates as fractions (decimal strings); Binance's default is 0.001 (0.1%). */
  makerCommission?: string;
  takerCommission?: string;
  /** Fixed credentials (random when omitted). */
  apiKey?: string;
  secret?: string;
}

/** One API key's spot account: balances (free and locked by open orders) and fee rates. */
export class Account {
  readonly balances = new Map<string, Balance>();
  makerRate: D;
  takerRate: D;
  updateTime = 0;
  /** Assets whose balance changed since the last outboundAccountPosition. */
  readonly dirty = new Set<string>();

  constructor(
    readonly apiKey: string,
    readonly secret: string,
    readonly uid: number,
    opts: AccountOptions,
  ) {
    this.makerRate = d(opts.makerCommission ?? '0.001');
    this.takerRate = d(opts.takerCommission ?? '0.001');
    for (const [asset, amount] of Object.entries(opts.balances ?? {})) this.balances.set(asset, { free: d(amount), locked: ZERO });
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: ZERO, locked: ZERO };
      this.balances.set(asset, b);
    }
    return b;
  }

  setFree(asset: string, amount: D): void {
    this.balance(asset).free = amount;
    this.dirty.add(asset);
  }

  lock(asset: string, amount: D): void {
    const b = this.balance(asset);
    b.free = b.free.minus(amount);
    b.locked = b.locked.plus(amount);
    this.dirty.add(asset);
  }

  unlock(asset: string, amount: D): void {
    const b = this.balance(asset);
    b.free = b.free.plus(amount);
    b.locked = b.locked.minus(amount);
    this.dirty.add(asset);
  }

  credit(asset: string, amount: D): void {
    const b = this.balance(asset);
    b.free = b.free.plus(amount);
    this.dirty.add(asset);
  }

  debit(asset: string, amount: D): void {
    const b = this.balance(asset);
    b.free = b.free.minus(amount);
    this.dirty.add(asset);
  }
}

export class Accounts {
  private readonly byKey = new Map<string, Account>();
  private nextUid = 100_000_001;

  create(opts: AccountOptions = {}): Account {
    const apiKey = opts.apiKey ?? randomBytes(32).toString('base64url').slice(0, 64);
    const secret = opts.secret ?? randomBytes(32).toString('base64url').slice(0, 64);
    const account = new Account(apiKey, secret, this.nextUid++, opts);
    this.byKey.set(apiKey, account);
    return account;
  }

  get(apiKey: string): Account | undefined {
    return this.byKey.get(apiKey);
  }

  all(): Account[] {
    return [...this.byKey.values()];
  }
}
