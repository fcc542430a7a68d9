import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { dec, str } from '../../src-main/engine/model/decimal.js';
import { positionsFromFills } from '../../src-main/engine/portfolio/position.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { ctx, startHarness, SYMBOL } from '../helpers/engine-harness.js';

const STORM = join(import.meta.dirname, '..', 'fixtures', 'order-storm.ts');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Ack {
  kind: string;
  id: string;
  cid: string;
  status: string;
}

/** Runs the storm until `killAfter` acks have been printed (plus a little), then SIGKILLs it. */
function stormUntilKilled(file: string, seed: number, runTag: string, killAfter: number, extraMs: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', STORM, file, String(seed), runTag], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (d) => (stderr += String(d)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Ack;
      if (msg.kind === 'ready') return;
      acks.push(msg);
      if (!killing && acks.length >= killAfter) {
        killing = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`storm exited by itself (code ${code}): ${stderr}`));
    });
  });
}

/** What the journal's fills say the balances must be (spot, fees in USDT). */
function balancesFromFills(store: SqliteStore): Record<string, string> {
  let usdt = dec(100000);
  let btc = dec(0);
  for (const f of store.allFills('paper')) {
    const notional = f.quantity.mul(f.price);
    if (f.side === 'buy') {
      usdt = usdt.sub(notional);
      btc = btc.add(f.quantity);
    } else {
      usdt = usdt.add(notional);
      btc = btc.sub(f.quantity);
    }
    usdt = usdt.sub(f.fee);
  }
  return { USDT: str(usdt), BTC: str(btc) };
}

function checkStore(file: string, acked: Map<string, Ack>): void {
  const store = SqliteStore.open(file);
  try {
    expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    const all = store.queryOrders({ status: 'all', limit: 1_000_000 });
    const perCid = new Map<string, number>();
    for (const o of all) perCid.set(o.clientOrderId, (perCid.get(o.clientOrderId) ?? 0) + 1);
    for (const [cid, a] of acked) {
      expect(perCid.get(cid), `acknowledged order ${cid} is stored exactly once`).toBe(1);
      const stored = store.getOrder(cid)!;
      expect(stored.id).toBe(a.id);
      expect(['initialized', 'submitted']).not.toContain(stored.state);
    }
    const derived = positionsFromFills(store.allFills());
    const stored = store.loadPositions();
    expect(stored.length).toBe([...derived.values()].length);
    for (const p of stored) {
      const d = derived.get(`${p.account}\u0000${p.symbol}`)!;
      expect(str(p.quantity)).toBe(str(d.quantity));
      expect(str(p.realizedPnl)).toBe(str(d.realizedPnl));
      expect(p.averagePrice ? str(p.averagePrice) : null).toBe(d.averagePrice ? str(d.averagePrice) : null);
    }
    const expected = balancesFromFills(store);
    for (const b of store.loadBalances()) {
      expect(str(b.total), `${b.asset} total equals the fills`).toBe(expected[b.asset] ?? '0');
      expect(b.locked.gte(0) && b.total.gte(b.locked)).toBe(true);
    }
  } finally {
    store.close();
  }
}

describe('crash recovery: SIGKILL during an order storm', () => {
  // 3 storms × 7 kills = 21 kill points; each restart resumes the previous file.
  it.each([
    [1, 7],
    [2, 7],
    [3, 7],
  ])('storm %i: after each of %i kills every acknowledged order is there once, positions and balances equal the fills', async (storm, kills) => {
    const dir = mkdtempSync(join(tmpdir(), 'tern-crash-'));
    dirs.push(dir);
    const file = join(dir, 'tern.db');
    const acked = new Map<string, Ack>();
    let seed = storm * 7919;
    for (let k = 0; k < kills; k++) {
      seed = (seed * 48271) % 2147483647;
      const killAfter = 5 + (seed % 120);
      const extraMs = seed % 15;
      const acks = await stormUntilKilled(file, seed, `s${storm}k${k}`, killAfter, extraMs);
      for (const a of acks) if (a.kind === 'place') acked.set(a.cid, a);
      checkStore(file, acked);
    }
    // and the engine comes back on the file and trades
    const h = await startHarness({ file, runTag: `s${storm}final` });
    try {
      const order = await h.engine.call('orders.create', { symbol: SYMBOL, side: 'buy', type: 'limit', price: '10.00', quantity: '1' }, ctx);
      expect(order.status).toBe('open');
    } finally {
      await h.dispose();
    }
  }, 120_000);
});
