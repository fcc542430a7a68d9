import { describe, expect, it } from 'vitest';
import { KeyRing, hashKey, isSlowHash, newKeySecret, slowHashKey, verifySlowHash } from '../../../src-main/engine/access/api-keys.js';
import type { ApiKeyRecord } from '../../../src-main/engine/model/types.js';

// a low cost keeps the tests fast; the format and the logic are the same at any cost
const CHEAP = { N: 1024, r: 8, p: 1 };

function record(over: Partial<ApiKeyRecord> & { hash: string }): ApiKeyRecord {
  return { id: 'K-1', name: 'k', scopes: ['admin'], createdAt: 0, revokedAt: null, expiresAt: null, ...over };
}

/** a ring whose slow-check budget and wall clock the test controls */
function ring(opts: { slowChecksPerSecond?: number } = {}) {
  const clock = { wall: 1_000_000, mono: 0 };
  const keys = new KeyRing({ now: () => clock.wall, monotonic: () => clock.mono, slowChecksPerSecond: opts.slowChecksPerSecond ?? 4 });
  return { keys, clock };
}

describe('slow hashes of chosen keys', () => {
  it('store scrypt with its cost and a random salt, so the same key hashes differently each time', () => {
    const a = slowHashKey('hunter2', CHEAP);
    const b = slowHashKey('hunter2', CHEAP);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(hashKey('hunter2'));
    expect(isSlowHash(a)).toBe(true);
    expect(isSlowHash(hashKey('hunter2'))).toBe(false);
  });

  it('verify the right key only, and refuse malformed hashes', () => {
    const stored = slowHashKey('hunter2', CHEAP);
    expect(verifySlowHash('hunter2', stored)).toBe(true);
    expect(verifySlowHash('hunter3', stored)).toBe(false);
    expect(verifySlowHash('hunter2', 'scrypt$1024$8$1$abc')).toBe(false);
    expect(verifySlowHash('hunter2', 'scrypt$x$8$1$abc$def')).toBe(false);
    expect(verifySlowHash('hunter2', hashKey('hunter2'))).toBe(false);
  });
});

describe('KeyRing', () => {
  it('authenticates generated keys and keys stored before slow hashes by their sha256', () => {
    const { keys } = ring();
    const generated = newKeySecret();
    keys.load([record({ id: 'K-1', hash: hashKey(generated), scopes: ['read'] }), record({ id: 'K-2', hash: hashKey('an-old-tern-api-key') })]);
    expect(keys.authenticate(generated)).toEqual({ id: 'K-1', scopes: ['read'] });
    expect(keys.authenticate('an-old-tern-api-key')).toEqual({ id: 'K-2', scopes: ['admin'] });
    expect(keys.authenticate('tern_wrong')).toBeNull();
    expect(keys.authenticate('')).toBeNull();
    expect(keys.authenticate('x'.repeat(201))).toBeNull();
  });

  it('checks a chosen key with scrypt once, then from memory', () => {
    // one slow check per second, burst 2: the budget runs out after two checks
    const { keys } = ring({ slowChecksPerSecond: 1 });
    keys.put(record({ id: 'K-9', hash: slowHashKey('correct horse', CHEAP) }));
    expect(keys.authenticate('correct horse')).toEqual({ id: 'K-9', scopes: ['admin'] });
    expect(keys.authenticate('made up 1')).toBeNull();
    // budget spent: a new made-up key gets no slow check, the verified key still passes
    expect(keys.authenticate('made up 2')).toBeNull();
    for (let i = 0; i < 5; i++) expect(keys.authenticate('correct horse')).toEqual({ id: 'K-9', scopes: ['admin'] });
  });

  it('remembers a refused key, so repeating it costs no slow check', () => {
    const { keys, clock } = ring({ slowChecksPerSecond: 1 });
    keys.put(record({ id: 'K-9', hash: slowHashKey('correct horse', CHEAP) }));
    expect(keys.authenticate('wrong')).toBeNull();
    for (let i = 0; i < 10; i++) expect(keys.authenticate('wrong')).toBeNull();
    // the one token left is still there for the right key
    expect(keys.authenticate('correct horse')).not.toBeNull();
    // the budget is spent now; it refills with (monotonic) time
    keys.put(record({ id: 'K-10', hash: slowHashKey('battery staple', CHEAP) }));
    expect(keys.authenticate('battery staple')).toBeNull();
    clock.mono += 1000;
    expect(keys.authenticate('battery staple')).toEqual({ id: 'K-10', scopes: ['admin'] });
  });

  it('does no slow check when asked for the cheap lookup only', () => {
    const { keys } = ring();
    keys.put(record({ id: 'K-9', hash: slowHashKey('correct horse', CHEAP) }));
    expect(keys.authenticate('correct horse', { slowHash: false })).toBeNull();
    expect(keys.authenticate('correct horse')).not.toBeNull();
    expect(keys.authenticate('correct horse', { slowHash: false })).not.toBeNull();
  });

  it('lets revocation win over the verified cache, and tells listeners once', () => {
    const { keys } = ring();
    const slow = record({ id: 'K-9', hash: slowHashKey('correct horse', CHEAP) });
    const generated = newKeySecret();
    const fast = record({ id: 'K-1', hash: hashKey(generated) });
    keys.load([slow, fast]);
    expect(keys.authenticate('correct horse')).not.toBeNull();
    const revoked: string[] = [];
    keys.onRevoked((id) => revoked.push(id));
    keys.put({ ...slow, revokedAt: 5 });
    keys.put({ ...fast, revokedAt: 5 });
    keys.put({ ...fast, revokedAt: 5 });
    expect(keys.authenticate('correct horse')).toBeNull();
    expect(keys.authenticate(generated)).toBeNull();
    expect(keys.principal('K-9')).toBeNull();
    expect(revoked).toEqual(['K-9', 'K-1']);
    expect(keys.active()).toEqual([]);
  });

  it('stops a key at its expiry: authenticate, principal and active agree', () => {
    const { keys, clock } = ring();
    const generated = newKeySecret();
    keys.put(record({ id: 'K-1', hash: hashKey(generated), expiresAt: clock.wall + 60_000 }));
    keys.put(record({ id: 'K-2', hash: hashKey(newKeySecret()) }));
    expect(keys.authenticate(generated)).toEqual({ id: 'K-1', scopes: ['admin'] });
    expect(keys.nextExpiry()).toBe(clock.wall + 60_000);
    clock.wall += 60_000;
    expect(keys.authenticate(generated)).toBeNull();
    expect(keys.principal('K-1')).toBeNull();
    expect(keys.principal('K-2')).not.toBeNull();
    expect(keys.active().map((k) => k.id)).toEqual(['K-2']);
    expect(keys.expired().map((k) => k.id)).toEqual(['K-1']);
    expect(keys.nextExpiry()).toBeNull();
  });

  it('finds the record of a chosen key without a budget (start-up)', () => {
    const { keys } = ring({ slowChecksPerSecond: 0.001 });
    keys.put(record({ id: 'K-9', hash: slowHashKey('correct horse', CHEAP) }));
    expect(keys.authenticate('nope')).toBeNull();
    expect(keys.authenticate('nope 2')).toBeNull();
    expect(keys.find('correct horse')?.id).toBe('K-9');
    expect(keys.authenticate('correct horse', { slowHash: false })).not.toBeNull();
  });
});
