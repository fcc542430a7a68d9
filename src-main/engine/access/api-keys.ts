import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../../src-common/contract/engine-api.js';
import type { ApiKeyRecord } from '../model/types.js';

/**
 * The fast hash: sha256, hex. Right for generated keys (192 random bits, no
 * dictionary to try) and the format every key had before slow hashes.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** scrypt cost. Stored with each hash, so raising the default later leaves old hashes readable. */
export interface SlowHashParams {
  N: number;
  r: number;
  p: number;
}

/** Node's default cost (16 MiB, tens of ms): a guessed TERN_API_KEY costs an attacker with the file as much. */
export const DEFAULT_SLOW_HASH: SlowHashParams = { N: 16_384, r: 8, p: 1 };

const SLOW_PREFIX = 'scrypt$';
const SLOW_KEY_LEN = 32;

/** `scrypt$N$r$p$salt$hash` (base64url): for keys a person chose, which may be guessable. */
export function slowHashKey(key: string, params: SlowHashParams = DEFAULT_SLOW_HASH): string {
  const salt = randomBytes(16);
  const hash = scrypt(key, salt, params);
  return `${SLOW_PREFIX}${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function isSlowHash(stored: string): boolean {
  return stored.startsWith(SLOW_PREFIX);
}

/** true when `key` is the key of a slow hash; false for a fast hash or a malformed one */
export function verifySlowHash(key: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== SLOW_KEY_LEN) return false;
  const actual = scrypt(key, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return timingSafeEqual(actual, expected);
}

function scrypt(key: string, salt: Buffer, { N, r, p }: SlowHashParams): Buffer {
  // scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) would refuse a cost raised later
  return scryptSync(key, salt, SLOW_KEY_LEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

/** A new secret: shown once to its owner, stored only as its hash. */
export function newKeySecret(): string {
  return `tern_${randomBytes(24).toString('base64url')}`;
}

export interface KeyRingOptions {
  /** wall clock, epoch ms: keys expire at a wall-clock time */
  now?: () => number;
  /** a monotonic clock in ms for the slow-check budget */
  monotonic?: () => number;
  /**
   * Slow-hash checks of keys not seen before, per second (burst 2×): each
   * costs tens of ms of CPU, so a flood of made-up keys must not buy unbounded
   * CPU. A valid chosen key is checked once per process, then cached.
   */
  slowChecksPerSecond?: number;
}

const MAX_KEY_LENGTH = 200;
/** made-up keys remembered as wrong, so repeating one costs no slow check */
const MAX_REFUSED = 1_024;

/**
 * The keys that can authenticate. Generated keys are found by their sha256
 * (a map lookup). Chosen keys (TERN_API_KEY) have salted scrypt hashes that
 * cannot be looked up: a presented key is checked against each once, and the
 * outcome is remembered in memory by the key's sha256, so a request never
 * pays scrypt twice for the same key. Whatever the cache says, a key is used
 * only while `live`: revocation and expiry always win.
 */
export class KeyRing {
  private readonly byId = new Map<string, ApiKeyRecord>();
  /** live and dead fast-hash records by hash (liveness is checked on use) */
  private readonly byFastHash = new Map<string, ApiKeyRecord>();
  /** records with slow hashes, by id */
  private readonly slow = new Map<string, ApiKeyRecord>();
  /** sha256 of a chosen key already verified → its record id */
  private readonly verified = new Map<string, string>();
  /** sha256 of keys that matched no slow hash (insertion order: oldest first) */
  private readonly refused = new Set<string>();
  private readonly now: () => number;
  private readonly monotonic: () => number;
  private readonly slowRate: number;
  private slowTokens: number;
  private slowAt: number;
  private readonly revokedListeners = new Set<(keyId: string) => void>();

  constructor(opts: KeyRingOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    this.slowRate = opts.slowChecksPerSecond ?? 4;
    this.slowTokens = this.slowRate * 2;
    this.slowAt = this.monotonic();
  }

  load(records: Iterable<ApiKeyRecord>): void {
    for (const r of records) this.put(r);
  }

  /** called with a key's id when a put marks it revoked (sign-out, DELETE, expiry); returns an unsubscribe */
  onRevoked(listener: (keyId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  put(record: ApiKeyRecord): void {
    const old = this.byId.get(record.id);
    const revokedNow = old !== undefined && old.revokedAt === null && record.revokedAt !== null;
    if (old && this.byFastHash.get(old.hash) === old) this.byFastHash.delete(old.hash);
    this.byId.set(record.id, record);
    if (isSlowHash(record.hash)) {
      this.slow.set(record.id, record);
      // a new chosen key may be one that was refused before
      this.refused.clear();
    } else {
      this.slow.delete(record.id);
      this.byFastHash.set(record.hash, record);
    }
    if (revokedNow) for (const listener of [...this.revokedListeners]) listener(record.id);
  }

  get(id: string): ApiKeyRecord | undefined {
    return this.byId.get(id);
  }

  /** neither revoked nor expired */
  live(record: ApiKeyRecord): boolean {
    return record.revokedAt === null && (record.expiresAt === null || this.now() < record.expiresAt);
  }

  active(): ApiKeyRecord[] {
    return [...this.byId.values()].filter((k) => this.live(k));
  }

  /** records that expired but were never marked revoked */
  expired(): ApiKeyRecord[] {
    return [...this.byId.values()].filter((k) => k.revokedAt === null && !this.live(k));
  }

  /** the earliest expiry of a live key, or null */
  nextExpiry(): number | null {
    let next: number | null = null;
    for (const k of this.byId.values()) if (this.live(k) && k.expiresAt !== null && (next === null || k.expiresAt < next)) next = k.expiresAt;
    return next;
  }

  /** the principal of a key id while it is live (re-checks on an open connection) */
  principal(id: string): Principal | null {
    const record = this.byId.get(id);
    return record && this.live(record) ? principalOf(record) : null;
  }

  /**
   * The record a key belongs to, live or not, checking slow hashes without a
   * budget (start-up, where the key comes from the environment).
   */
  find(key: string): ApiKeyRecord | undefined {
    return this.lookup(key, 'unbudgeted');
  }

  /**
   * The principal of a presented key, or null. `slowHash: false` looks only
   * where it is cheap (generated keys, chosen keys verified before): a caller
   * that is already being throttled buys no scrypt work.
   */
  authenticate(key: string, options: { slowHash?: boolean } = {}): Principal | null {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) return null;
    const record = this.lookup(key, options.slowHash === false ? 'none' : 'budgeted');
    return record && this.live(record) ? principalOf(record) : null;
  }

  private lookup(key: string, slowChecks: 'none' | 'budgeted' | 'unbudgeted'): ApiKeyRecord | undefined {
    const fast = hashKey(key);
    const byHash = this.byFastHash.get(fast);
    if (byHash) return byHash;
    const verifiedId = this.verified.get(fast);
    if (verifiedId !== undefined) {
      const record = this.slow.get(verifiedId);
      if (record) return record;
      this.verified.delete(fast);
    }
    if (this.slow.size === 0 || slowChecks === 'none' || this.refused.has(fast)) return undefined;
    if (slowChecks === 'budgeted' && !this.takeSlowToken()) return undefined;
    for (const record of this.slow.values()) {
      if (verifySlowHash(key, record.hash)) {
        this.verified.set(fast, record.id);
        return record;
      }
    }
    if (this.refused.size >= MAX_REFUSED) this.refused.delete(this.refused.values().next().value!);
    this.refused.add(fast);
    return undefined;
  }

  private takeSlowToken(): boolean {
    const t = this.monotonic();
    this.slowTokens = Math.min(this.slowRate * 2, this.slowTokens + ((t - this.slowAt) * this.slowRate) / 1000);
    this.slowAt = t;
    if (this.slowTokens < 1) return false;
    this.slowTokens -= 1;
    return true;
  }
}

function principalOf(record: ApiKeyRecord): Principal {
  const p: Principal = { id: record.id, scopes: record.scopes };
  if (record.rateLimit) p.rateLimit = record.rateLimit;
  if (record.accounts) p.accounts = record.accounts;
  return p;
}
