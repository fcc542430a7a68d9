/**
 * Real store files to damage: one made by a real runtime (orders, fills,
 * positions, balances), and ways to break a copy of it the way disks do.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src-main/engine/ports/clock.js';
import { createRuntime } from '../../src-main/runtime.js';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';
import { FakeFeed, instrumentSpec } from '../helpers/fake-feed.js';

export const SYMBOL = 'BTC/USDT';
const ctx = { actor: 'test' };

export function feedFor(clock: ManualClock): FakeFeed {
  const feed = new FakeFeed([instrumentSpec(SYMBOL, { minNotional: '0.5', sizeIncrement: '0.0001', minQuantity: '0.0001' })], { clock });
  pushBook(feed);
  return feed;
}

export function pushBook(feed: FakeFeed): void {
  feed.pushBook(SYMBOL, [['99.9', '100'], ['99.8', '100']], [['100.1', '100'], ['100.2', '100']]);
}

export const runtimeOptions = (dataDir: string) => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  return { dataDir, marketData: feedFor(clock), clock, secrets: new MemorySecretStore(), reconcile: { intervalMs: 0 } };
};

/** a data folder whose tern.db has `orders` filled market orders (and their fills, positions, balances) */
export async function realStore(orders: number): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-real-'));
  const opts = runtimeOptions(dataDir);
  const rt = await createRuntime(opts);
  for (let i = 0; i < orders; i++) {
    pushBook(opts.marketData);
    await rt.api.call('orders.create', { symbol: SYMBOL, side: i % 2 === 0 ? 'buy' : 'sell', type: 'market', quantity: '0.01', client_order_id: `real-${i}` }, ctx);
  }
  await rt.close();
  return dataDir;
}

/** a new data folder holding a copy of `from`'s tern.db */
export function copyOf(fromDir: string): { dataDir: string; file: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'tern-damaged-'));
  const file = join(dataDir, 'tern.db');
  copyFileSync(join(fromDir, 'tern.db'), file);
  return { dataDir, file };
}

/** the leaf pages of a table (or index) */
export function leafPages(file: string, name: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno`).pluck().all(name) as number[]);
  } finally {
    db.close();
  }
}

/** a leaf page of one of the orders' or fills' indexes (whichever the schema has) */
export function indexLeafPage(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const page = db
      .prepare(`SELECT d.pageno FROM dbstat d JOIN sqlite_schema s ON s.name = d.name WHERE s.type = 'index' AND s.tbl_name IN ('orders', 'fills') AND d.pagetype = 'leaf' ORDER BY d.pageno LIMIT 1`)
      .pluck()
      .get() as number | undefined;
    if (page === undefined) throw new Error('no index leaf page');
    return page;
  } finally {
    db.close();
  }
}

/** garbage over one whole page, as a torn or bit-rotted write leaves it */
export function trashPage(file: string, pageno: number): void {
  // page 1 holds the header and the schema: damage there is another test
  if (!Number.isInteger(pageno) || pageno < 2) throw new Error(`not a page to trash: ${pageno}`);
  const db = new Database(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const garbage = Buffer.alloc(pageSize);
  for (let i = 0; i < pageSize; i++) garbage[i] = (i * 131 + 7) & 0xff;
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, garbage, 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes `file` read-only for this process: for root (whom file modes do not
 * stop) a read-only bind mount of the file itself; otherwise chmod 0444.
 * The folder stays writable, as when a trader's file alone is read-only.
 * Returns the undo.
 */
export function makeReadOnly(file: string): (() => void) | Error {
  if (process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['--bind', file, file], { stdio: 'pipe' });
    } catch (err) {
      // root without CAP_SYS_ADMIN (some containers): file modes do not stop root, so it cannot be done here
      return new Error(`mount --bind failed: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`);
    }
    execFileSync('mount', ['-o', 'remount,ro,bind', file]);
    return () => execFileSync('umount', [file]);
  }
  chmodSync(file, 0o444);
  return () => chmodSync(file, 0o600);
}

export function removeAll(dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
