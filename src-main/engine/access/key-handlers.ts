import { TernError, notFound } from '../../../src-common/contract/errors.js';
import type { ApiKey } from '../../../src-common/contract/schemas.js';
import type { Handlers } from '../../../src-common/contract/methods.js';
import { iso, keyDto } from '../dto.js';
import type { Journal } from '../journal.js';
import type { ApiKeyRecord } from '../model/types.js';
import type { Clock, IdSource } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { CancelFailure } from '../oms/oms.js';
import type { RiskEngine } from '../risk/risk-engine.js';
import { type KeyRing, type SlowHashParams, hashKey, isSlowHash, newKeySecret, slowHashKey } from './api-keys.js';

export interface ApiKeysDeps {
  ring: KeyRing;
  journal: Journal;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  /** scrypt cost for keys a person chose (ensureKey); tests lower it */
  slowKeyHash?: SlowHashParams;
}

/** API keys kept: each change journaled, and expired keys marked revoked when they expire. */
export class ApiKeys {
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ApiKeysDeps) {}

  /** the stored keys, then those expired meanwhile marked revoked */
  load(records: ApiKeyRecord[]): void {
    this.deps.ring.load(records);
    this.revokeExpired();
  }

  stop(): void {
    clearTimeout(this.expiryTimer);
  }

  /**
   * A key a person chose (TERN_API_KEY): stored as a salted scrypt hash, since
   * it may be guessable from a copy of the file. One stored before slow hashes
   * existed (sha256) is re-hashed in place, keeping its id.
   */
  ensureKey(key: string, name: string, scopes: ApiKeyRecord['scopes']): void {
    const { ring, clock, ids, log, slowKeyHash } = this.deps;
    const existing = ring.find(key);
    if (existing && ring.live(existing) && isSlowHash(existing.hash)) return;
    const upgrade = existing && ring.live(existing) ? existing : undefined;
    const record: ApiKeyRecord = upgrade
      ? { ...upgrade, hash: slowHashKey(key, slowKeyHash) }
      : { id: ids.next('K'), name, scopes, hash: slowHashKey(key, slowKeyHash), createdAt: clock.now(), revokedAt: null, expiresAt: null };
    try {
      this.save(record);
    } catch (err) {
      // a full disk or read-only file must not stop the start: the key works from memory and the
      // journal writes it once the store can be written again
      log.warn({ key_id: record.id, err: String(err) }, 'API key not stored yet: the store cannot be written');
    }
    // the key is known here: put it in the verified cache, so no request pays scrypt for it
    ring.find(key);
    if (upgrade) log.info({ key_id: record.id, name: record.name }, 'API key re-hashed with scrypt');
    else log.info({ key_id: record.id, name, scopes }, 'API key created');
  }

  save(record: ApiKeyRecord): void {
    this.deps.ring.put(record);
    this.deps.journal.record({ type: 'key', key: record });
    this.deps.journal.flush();
  }

  /** Marks expired keys revoked (their sockets close), then waits for the next expiry. */
  revokeExpired(): void {
    const { ring, clock, log } = this.deps;
    clearTimeout(this.expiryTimer);
    for (const record of ring.expired()) {
      try {
        this.save({ ...record, revokedAt: record.expiresAt });
        log.info({ key_id: record.id, name: record.name }, 'API key expired');
      } catch (err) {
        // an unwritable store (full disk, read-only file) must not stop a start or a timer; the key
        // no longer authenticates either way (expiry is checked on every use), and is marked at the next start
        log.warn({ key_id: record.id, err: String(err) }, 'expired API key not marked revoked: the store cannot be written');
      }
    }
    const next = ring.nextExpiry();
    if (next === null) return;
    // setTimeout holds at most 2^31-1 ms; a later expiry is looked at again then
    this.expiryTimer = setTimeout(() => this.revokeExpired(), Math.min(2 ** 31 - 1, Math.max(0, next - clock.now()) + 1));
    this.expiryTimer.unref();
  }
}

/** what the per-bot key methods need from the rest of the engine */
export interface KeyPolicyDeps {
  /** the key scope of the risk limits (its own limits live there, beside the other scopes) */
  risk: Pick<RiskEngine, 'applyLimits' | 'keyLimits'>;
  accountExists: (id: string) => boolean;
  /** cancels the key's working orders (keys.halt) */
  cancelOrders: (keyId: string) => Promise<{ canceled: string[]; failed: CancelFailure[] }>;
  usage: (keyId: string) => NonNullable<ApiKey['usage']>;
}

/** The keys.* methods, for the engine's handler map (beside the risk and account handlers). */
export function keyHandlers(
  keys: ApiKeys,
  deps: Pick<ApiKeysDeps, 'ring' | 'clock' | 'ids' | 'log'> & KeyPolicyDeps,
): Pick<Handlers, 'keys.list' | 'keys.create' | 'keys.delete' | 'keys.halt' | 'keys.resume'> {
  const { ring, clock, ids, log, risk } = deps;
  const dto = (record: ApiKeyRecord) => keyDto(record, risk.keyLimits(record.id));
  const live = (id: string): ApiKeyRecord => {
    const record = ring.get(id);
    if (!record || !ring.live(record)) throw notFound('API key', id);
    return record;
  };
  return {
    'keys.list': () => ring.active().map((k) => ({ ...dto(k), usage: deps.usage(k.id) })),
    'keys.create': ({ name, scopes, expires_in_s, rate_limit, accounts, risk_limits }, ctx) => {
      const unknown = accounts?.find((a) => !deps.accountExists(a));
      if (unknown !== undefined) throw new TernError('BAD_REQUEST', `accounts: no account ${unknown} (a key is limited to accounts that exist)`, { field: 'accounts', account: unknown });
      const key = newKeySecret();
      const now = clock.now();
      const expiresAt = expires_in_s === undefined ? null : now + expires_in_s * 1000;
      const record: ApiKeyRecord = {
        id: ids.next('K'),
        name,
        scopes,
        hash: hashKey(key),
        createdAt: now,
        revokedAt: null,
        expiresAt,
        ...(rate_limit ? { rateLimit: { perSecond: rate_limit.per_second, burst: rate_limit.burst } } : {}),
        ...(accounts ? { accounts: [...new Set(accounts)] } : {}),
      };
      keys.save(record);
      if (risk_limits && Object.keys(risk_limits).length > 0) risk.applyLimits({ key: record.id, limits: risk_limits });
      if (expiresAt !== null) keys.revokeExpired();
      log.info({ key_id: record.id, name, scopes, expires_at: expiresAt === null ? null : iso(expiresAt), rate_limit, accounts, risk_limits, by: ctx.actor }, 'API key created');
      return { ...dto(record), key };
    },
    'keys.delete': ({ id }, ctx) => {
      const record = live(id);
      const revoked = { ...record, revokedAt: clock.now() };
      keys.save(revoked);
      log.info({ key_id: id, name: record.name, scopes: record.scopes, by: ctx.actor }, 'API key revoked');
      return dto(revoked);
    },
    'keys.halt': async ({ id, reason }, ctx) => {
      const record = live(id);
      // halted first: an order the key sends while its working ones are being canceled is refused
      const halted: ApiKeyRecord = { ...record, halted: record.halted ?? { at: clock.now(), by: ctx.actor, reason } };
      keys.save(halted);
      const { canceled, failed } = await deps.cancelOrders(id);
      log.warn({ key_id: id, name: record.name, reason, canceled: canceled.length, failed: failed.length, by: ctx.actor }, 'API key halted');
      return { ...dto(halted), canceled, failed };
    },
    'keys.resume': ({ id }, ctx) => {
      const record = live(id);
      const { halted: _was, ...resumed } = record;
      keys.save(resumed);
      log.info({ key_id: id, name: record.name, by: ctx.actor }, 'API key resumed');
      return dto(resumed);
    },
  };
}
