import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../../contract/engine-api.js';
import type { ApiKeyRecord } from '../model/types.js';

export type ScopeName = ApiKeyRecord['scopes'][number];

/** read ⊂ trade ⊂ admin: a key holds the scopes it was given and every scope below them. */
const SCOPE_RANK: Record<ScopeName, number> = { read: 1, trade: 2, admin: 3 };

export function grants(scopes: ReadonlyArray<ScopeName>, needed: ScopeName | 'none'): boolean {
  if (needed === 'none') return true;
  return scopes.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[needed]);
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new secret: shown once to its owner, stored only as its hash. */
export function newKeySecret(): string {
  return `tern_${randomBytes(24).toString('base64url')}`;
}

/** The keys that can authenticate, indexed by hash; revoked keys are dropped. */
export class KeyRing {
  private readonly byHash = new Map<string, ApiKeyRecord>();
  private readonly byId = new Map<string, ApiKeyRecord>();

  load(records: Iterable<ApiKeyRecord>): void {
    for (const r of records) this.put(r);
  }

  put(record: ApiKeyRecord): void {
    const old = this.byId.get(record.id);
    if (old) this.byHash.delete(old.hash);
    this.byId.set(record.id, record);
    if (record.revokedAt === null) this.byHash.set(record.hash, record);
  }

  get(id: string): ApiKeyRecord | undefined {
    return this.byId.get(id);
  }

  active(): ApiKeyRecord[] {
    return [...this.byId.values()].filter((k) => k.revokedAt === null);
  }

  hasHash(hash: string): boolean {
    return this.byHash.has(hash);
  }

  authenticate(key: string): Principal | null {
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) return null;
    const hash = hashKey(key);
    const record = this.byHash.get(hash);
    // The map lookup already matched; the constant-time compare keeps the check honest if lookup ever changes.
    if (!record || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    return { id: record.id, scopes: record.scopes };
  }
}
