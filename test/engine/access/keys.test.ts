import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey } from '../../../src-main/engine/access/api-keys.js';
import { Engine } from '../../../src-main/engine/engine.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { keyCodec } from '../../../src-main/store/codec.js';
import { MIGRATIONS } from '../../../src-main/store/migrations.js';
import { SqliteStore } from '../../../src-main/store/sqlite-store.js';
import { StoreUnwritable } from '../../../src-main/engine/ports/store.js';
import { PaperVenue } from '../../../src-main/venues/paper/paper-venue.js';
import { btcFeed, pushBookAround } from '../../helpers/engine-harness.js';

const ctx = { actor: 'test' };
const CHEAP = { N: 1024, r: 8, p: 1 };

let dirs: string[] = [];
let open: Array<{ engine: Engine; store: SqliteStore }> = [];
afterEach(async () => {
  for (const { engine, store } of open) {
    await engine.stop().catch(() => {});
    store.close();
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  open = [];
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tern-keys-'));
  dirs.push(dir);
  return join(dir, 'tern.db');
}

/** a real engine on `file`, with a log the test reads */
async function engineOn(file: string, clock = new ManualClock(Date.UTC(2026, 0, 1)), tag = 'r1', readOnly = false) {
  const store = SqliteStore.open(file);
  // as a full disk or a read-only file looks to the engine
  if (readOnly) (store as { writable?: (t: boolean) => StoreUnwritable | null }).writable = () => new StoreUnwritable('read-only', file);
  const ids = new SequentialIds(tag);
  const feed = btcFeed(clock);
  pushBookAround(feed);
  const lines: Array<{ obj: object; msg?: string }> = [];
  const log = { info: (obj: object, msg?: string) => lines.push({ obj, msg }), warn: () => {}, error: () => {} };
  const engine = new Engine({
    store,
    clock,
    ids,
    version: 'test',
    paperBalances: { USDT: '1000' },
    log,
    slowKeyHash: CHEAP,
    venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: a.startingBalances }),
  });
  await engine.start();
  open.push({ engine, store });
  return { engine, store, clock, lines };
}

async function restart(file: string, h: { engine: Engine; store: SqliteStore; clock: ManualClock }, tag: string) {
  await h.engine.stop();
  h.store.close();
  open = open.filter((o) => o.engine !== h.engine);
  return engineOn(file, h.clock, tag);
}

describe('API keys in the engine', () => {
  it('store a chosen key (TERN_API_KEY) as a salted scrypt hash, never its sha256', async () => {
    const file = tempFile();
    const h = await engineOn(file);
    h.engine.ensureKey('my-guessable-key', 'TERN_API_KEY', ['admin']);
    const [stored] = h.store.loadKeys();
    expect(stored!.hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(stored!.hash).not.toContain(hashKey('my-guessable-key'));
    expect(h.engine.authenticate('my-guessable-key')).toEqual({ id: stored!.id, scopes: ['admin'] });
    // the same key again adds nothing
    h.engine.ensureKey('my-guessable-key', 'TERN_API_KEY', ['admin']);
    expect(h.store.loadKeys()).toHaveLength(1);

    // after a restart the key is checked against the stored hash
    const again = await restart(file, h, 'r2');
    again.engine.ensureKey('another', 'TERN_API_KEY', ['admin']);
    expect(again.engine.authenticate('my-guessable-key')).toEqual({ id: stored!.id, scopes: ['admin'] });
    expect(again.engine.authenticate('my-guessable-kez')).toBeNull();
  });

  it('keep generated keys on the fast hash', async () => {
    const h = await engineOn(tempFile());
    const created = await h.engine.call('keys.create', { name: 'bot', scopes: ['trade'] }, ctx);
    expect(h.store.loadKeys().find((k) => k.id === created.id)!.hash).toBe(hashKey(created.key));
    expect(created.expires_at).toBeNull();
  });

  it('re-hash a chosen key stored by an older version (sha256) with scrypt, keeping its id', async () => {
    const file = tempFile();
    // a file as the previous version left it: schema 3, the key journaled as a 6-field tuple
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const m of MIGRATIONS.slice(0, 3)) db.exec(m.sql);
    db.pragma('user_version = 3');
    const old = ['K-old', 'TERN_API_KEY', ['admin'], hashKey('legacy-key'), Date.UTC(2025, 0, 1), null];
    db.prepare('INSERT INTO journal (seq, ts, type, payload) VALUES (1, ?, ?, ?)').run(old[4], 'key', JSON.stringify({ key: old }));
    db.prepare('INSERT INTO api_keys (id, name, scopes, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)').run('K-old', 'TERN_API_KEY', '["admin"]', old[3], old[4], null);
    db.prepare(`UPDATE meta SET value = 1 WHERE key = 'projected_seq'`).run();
    db.close();

    const h = await engineOn(file);
    expect(h.store.loadKeys()).toEqual([expect.objectContaining({ id: 'K-old', expiresAt: null, hash: hashKey('legacy-key') })]);
    // the old hash still works as it is
    expect(h.engine.authenticate('legacy-key')).toEqual({ id: 'K-old', scopes: ['admin'] });
    h.engine.ensureKey('legacy-key', 'TERN_API_KEY', ['admin']);
    const [upgraded] = h.store.loadKeys();
    expect(upgraded).toMatchObject({ id: 'K-old', revokedAt: null });
    expect(upgraded!.hash.startsWith('scrypt$')).toBe(true);
    expect(h.engine.authenticate('legacy-key')).toEqual({ id: 'K-old', scopes: ['admin'] });
    expect(h.store.verify().ok).toBe(true);
  });

  it('expire a key made with expires_in_s, revoke it, and leave it out of the list', async () => {
    const file = tempFile();
    const h = await engineOn(file);
    const session = await h.engine.call('keys.create', { name: 'web session', scopes: ['admin'], expires_in_s: 3600 }, ctx);
    expect(session.expires_at).toBe('2026-01-01T01:00:00.000Z');
    expect((await h.engine.call('keys.list', {}, ctx)).map((k) => k.id)).toContain(session.id);
    expect(h.engine.authenticate(session.key)).not.toBeNull();

    h.clock.advance(3600_000);
    expect(h.engine.authenticate(session.key)).toBeNull();
    expect((await h.engine.call('keys.list', {}, ctx)).map((k) => k.id)).not.toContain(session.id);

    // at the next start (or when its timer fires) the expired key is marked revoked, once
    const again = await restart(file, h, 'r2');
    const stored = again.store.loadKeys().find((k) => k.id === session.id)!;
    expect(stored.revokedAt).toBe(stored.expiresAt);
    expect(again.engine.authenticate(session.key)).toBeNull();
    await expect(again.engine.call('keys.delete', { id: session.id }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('start on an unwritable store with an expired key: the start goes on and the key stays refused', async () => {
    const file = tempFile();
    const h = await engineOn(file);
    const session = await h.engine.call('keys.create', { name: 'web session', scopes: ['admin'], expires_in_s: 60 }, ctx);
    await h.engine.stop();
    h.store.close();
    open = open.filter((o) => o.engine !== h.engine);
    h.clock.advance(120_000);
    const again = await engineOn(file, h.clock, 'r2', true);
    expect(again.engine.authenticate(session.key)).toBeNull();
    expect((await again.engine.call('keys.list', {}, ctx)).map((k) => k.id)).not.toContain(session.id);
    // TERN_API_KEY on that store: it works for this run instead of failing the start
    again.engine.ensureKey('chosen-on-a-full-disk', 'TERN_API_KEY', ['admin']);
    expect(again.engine.authenticate('chosen-on-a-full-disk')).toMatchObject({ scopes: ['admin'] });
    expect(again.lines.find((l) => l.msg === 'API key created')).toBeDefined();
  });

  it('refuse expiries shorter than a minute or longer than a year', async () => {
    const h = await engineOn(tempFile());
    await expect(h.engine.call('keys.create', { name: 'x', scopes: ['read'], expires_in_s: 10 }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'expires_in_s' } });
    await expect(h.engine.call('keys.create', { name: 'x', scopes: ['read'], expires_in_s: 400 * 86_400 }, ctx)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('log key creation and revocation with id, name and scopes, never the key or its hash', async () => {
    const h = await engineOn(tempFile());
    h.engine.ensureKey('chosen-secret', 'TERN_API_KEY', ['admin']);
    const created = await h.engine.call('keys.create', { name: 'bot', scopes: ['read'] }, { actor: 'K-admin' });
    await h.engine.call('keys.delete', { id: created.id }, { actor: 'K-admin' });
    const text = JSON.stringify(h.lines);
    expect(h.lines.filter((l) => l.msg === 'API key created').map((l) => l.obj)).toEqual([
      expect.objectContaining({ name: 'TERN_API_KEY', scopes: ['admin'] }),
      expect.objectContaining({ key_id: created.id, name: 'bot', scopes: ['read'], by: 'K-admin' }),
    ]);
    expect(h.lines.find((l) => l.msg === 'API key revoked')?.obj).toMatchObject({ key_id: created.id, by: 'K-admin' });
    expect(text).not.toContain(created.key);
    expect(text).not.toContain('chosen-secret');
    expect(text).not.toContain(hashKey(created.key));
    expect(text).not.toContain('scrypt$');
    expect(keyCodec.columns).toContain('expires_at');
  });
});
