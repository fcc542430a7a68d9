/**
 * Issue 9 items 15 and 16: a disk that fills up under an order burst. Tern
 * halts trading with "disk full: N MB free on <folder>", answers reads,
 * refuses writes naming the file, keeps logging without crashing or hanging
 * (lines dropped and counted), and resumes by itself once there is room,
 * with nothing acknowledged lost.
 *
 * On a real full filesystem (a 4 MB tmpfs, which needs root: CI runs as root)
 * and, always, with the failure injected into the store, so the behaviour is
 * tested wherever the suite runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import { ManualClock } from '../../src-main/engine/ports/clock.js';
import { LogFile } from '../../src-main/log-file.js';
import { createRuntime, type Runtime } from '../../src-main/runtime.js';
import { MemorySecretStore } from '../../src-main/secrets/secret-store.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { diskFull } from '../../src-main/store/store-errors.js';
import { FakeFeed, instrumentSpec } from '../helpers/fake-feed.js';

const SYMBOL = 'BTC/USDT';
const ctx = { actor: 'test' };
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.reverse().forEach((c) => c()));

function feedFor(clock: ManualClock): FakeFeed {
  return new FakeFeed([instrumentSpec(SYMBOL, { minNotional: '0.5', sizeIncrement: '0.0001', minQuantity: '0.0001' })], { clock });
}

function pushBook(feed: FakeFeed): void {
  feed.pushBook(SYMBOL, [['99.9', '100'], ['99.8', '100']], [['100.1', '100'], ['100.2', '100']]);
}

/** a tmpfs of `size` on a new folder, or why it could not be mounted */
function mountTmpfs(size: string): string | Error {
  const dir = mkdtempSync(join(tmpdir(), 'tern-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return new Error(`mount -t tmpfs failed: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}`);
  }
  cleanups.push(() => {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return dir;
}

interface Disk {
  dataDir: string;
  /** wire a runtime to the disk (the injected variant patches its store) */
  attach?(rt: Runtime): void;
  fill(): void;
  free(): void;
}

async function burstUntilFull(disk: Disk, logFile: LogFile) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const feed = feedFor(clock);
  pushBook(feed);
  const log = pino({ level: 'info' }, logFile);
  const rt = await createRuntime({
    dataDir: disk.dataDir,
    marketData: feed,
    clock,
    log,
    secrets: new MemorySecretStore(),
    reconcile: { intervalMs: 0 },
    storeProbeMs: 20,
    storeOptions: { minFreeBytes: 64 * 1024 },
  });
  disk.attach?.(rt);
  const api = rt.api;
  const acked = new Map<string, string>();
  const refused: TernError[] = [];
  const place = (i: number) =>
    api.call('orders.create', { symbol: SYMBOL, side: i % 2 === 0 ? 'buy' : 'sell', type: 'market', quantity: '0.01', client_order_id: `burst-${i}` }, ctx);

  // a few orders on a disk with room, then it fills up under the burst
  for (let i = 0; i < 5; i++) acked.set(`burst-${i}`, (await place(i)).status);
  disk.fill();
  let i = 5;
  for (; i < 20_000 && refused.length < 3; i++) {
    pushBook(feed);
    log.info({ i, pad: 'x'.repeat(200) }, 'burst order');
    try {
      acked.set(`burst-${i}`, (await place(i)).status);
    } catch (err) {
      expect(err).toBeInstanceOf(TernError);
      refused.push(err as TernError);
    }
  }
  return { rt, feed, acked, refused, next: i, place, log };
}

async function scenario(disk: Disk, logFile: LogFile): Promise<void> {
  const { rt, feed, acked, refused, next, place, log } = await burstUntilFull(disk, logFile);
  const api = rt.api;
  const file = join(disk.dataDir, 'tern.db');
  let done = false;
  try {
    expect(refused.length, 'the disk filled up under the burst').toBe(3);

    // halted, with why
    const risk = await api.call('risk.get', {}, ctx);
    expect(risk.state).toBe('HALTED');
    expect(risk.reason).toMatch(new RegExp(`^disk full: \\d+\\.\\d MB free on ${disk.dataDir}$`));

    // every refused write says so, with the file
    for (const err of refused) {
      expect(err.code).toBe('VENUE_UNAVAILABLE');
      expect(err.details?.path).toBe(file);
      expect(err.message).toContain('the store cannot be written: disk full');
    }
    const write = await place(next).catch((err: unknown) => err as TernError);
    expect(write).toBeInstanceOf(TernError);
    expect((write as TernError).details).toMatchObject({ path: file });
    await expect(api.call('keys.create', { name: 'k', scopes: ['read'] }, ctx)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', details: { path: file } });
    // the trader's one click does not un-halt a disk that is still full
    await expect(api.call('risk.setState', { state: 'ACTIVE', reason: 'try' }, ctx)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' });

    // reads answer
    const orders = await api.call('orders.list', { status: 'all', limit: 10_000 }, ctx);
    for (const cid of acked.keys()) expect(orders.some((o) => o.client_order_id === cid), `${cid} listed`).toBe(true);
    await api.call('fills.list', { limit: 100 }, ctx);
    await api.call('positions.list', {}, ctx);
    await api.call('balances.list', {}, ctx);
    await api.call('portfolio.get', {}, ctx);
    expect((await api.call('orders.get', { id: 'burst-0' }, ctx)).status).toBe('filled');

    // logging went on without taking the process down: lines were dropped and counted
    for (let n = 0; n < 50; n++) log.info({ n, pad: 'y'.repeat(500) }, 'while full');
    await new Promise((r) => setTimeout(r, 50));
    if (disk.attach === undefined) expect(logFile.dropped).toBeGreaterThan(0);

    // room again: it resumes by itself, as it was before
    disk.free();
    await vi.waitFor(async () => expect((await api.call('risk.get', {}, ctx)).state).toBe('ACTIVE'), { timeout: 10_000, interval: 20 });
    pushBook(feed);
    acked.set(`burst-${next + 1}`, (await place(next + 1)).status);
    if (disk.attach === undefined) {
      await vi.waitFor(() => expect(logFile.failing).toBeNull(), { timeout: 10_000, interval: 20 });
      log.info({}, 'after');
      await new Promise<void>((r) => logFile.flush(() => r()));
      expect(readFileSync(join(disk.dataDir, 'logs', 'tern.log'), 'utf8')).toMatch(/log: \d+ lines dropped while the log file could not be written \(ENOSPC\)/);
    }
    done = true;
  } finally {
    // a failure above must show, not the close that fails after it on a still-full disk
    await rt.close().catch((err: unknown) => {
      if (done) throw err;
    });
    logFile.end();
  }

  // nothing acknowledged is lost; nothing refused is left half-done
  const store = SqliteStore.open(file, { backgroundCheckpoints: false });
  try {
    expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    for (const cid of acked.keys()) {
      const o = store.getOrder(cid);
      expect(o, `acknowledged ${cid} is stored`).toBeDefined();
      expect(['initialized', 'submitted']).not.toContain(o!.state);
    }
    for (const o of store.queryOrders({ status: 'all', limit: 100_000 })) expect(['initialized', 'submitted'], o.clientOrderId).not.toContain(o.state);
  } finally {
    store.close();
  }
}

describe('disk full under an order burst', () => {
  // A real full disk needs a tmpfs, which needs root with CAP_SYS_ADMIN (CI runs as root). Without it the
  // case is reported as skipped with mount's own words (never silently), and the injected failure below still runs.
  const root = process.getuid?.() === 0;
  const mounted = root ? mountTmpfs('4m') : new Error('not root: a tmpfs cannot be mounted');

  it('on a real full tmpfs: HALTED "disk full", reads answer, writes name the file, the log drops lines; resumes once there is room, nothing acknowledged lost', async (ctx) => {
    if (mounted instanceof Error) {
      console.warn(`disk-full test on a real tmpfs SKIPPED: ${mounted.message}`);
      ctx.skip();
      return;
    }
    const tmpfs = mounted;
    const dataDir = join(tmpfs, 'data');
    const filler = join(tmpfs, 'filler');
    const logFile = new LogFile(join(dataDir, 'logs', 'tern.log'), { retryMs: 20 });
    await scenario(
      {
        dataDir,
        fill: () => {
          const free = Number(statfsSync(tmpfs).bavail) * Number(statfsSync(tmpfs).bsize);
          writeFileSync(filler, Buffer.alloc(Math.max(0, free - 96 * 1024)));
        },
        free: () => rmSync(filler),
      },
      logFile,
    );
  }, 60_000);

  it('with the failure injected into the store (runs everywhere): the same', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-full-sim-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    let full = false;
    const logFile = new LogFile(join(dataDir, 'logs', 'tern.log'), { retryMs: 20 });
    await scenario(
      {
        dataDir,
        attach: (rt) => {
          const store = rt.store;
          const file = store.file;
          const commit = store.commit.bind(store);
          const writable = store.writable.bind(store);
          let commits = 0;
          store.commit = () => {
            // the disk fills a few commits into the burst
            if (full && ++commits > 3) throw diskFull(dataDir, 12_345, file);
            commit();
          };
          store.writable = (tryWrite) => (full ? diskFull(dataDir, 12_345, file) : writable(tryWrite));
        },
        fill: () => {
          full = true;
        },
        free: () => {
          full = false;
        },
      },
      logFile,
    );
  }, 60_000);
});
