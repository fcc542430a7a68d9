import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dec } from '../../src-main/engine/model/decimal.js';
import { openTempStore, type TempStore } from '../../src-main/store/temp-store.js';

let temp: TempStore | undefined;
afterEach(() => temp?.dispose());

const balance = (i: number) => ({ type: 'balance' as const, balance: { account: 'paper', asset: `A${i % 50}`, total: dec(i), locked: dec(0), updatedAt: i } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background WAL checkpoints', () => {
  it('commits never checkpoint; a worker copies the WAL back, so it stops growing', async () => {
    temp = openTempStore();
    const walSize = () => statSync(`${temp!.file}-wal`).size;
    for (let b = 0; b < 20; b++) {
      for (let i = 0; i < 500; i++) temp.store.record(balance(b * 500 + i));
      temp.store.commit();
    }
    // the projections left behind the journal too, now: nothing else is written to the WAL while the worker checkpoints it
    temp.store.flushProjections();
    const grown = walSize();
    expect(grown).toBeGreaterThan(0);
    await sleep(1200);
    // everything in the WAL is already in the database file
    const probe = new Database(temp.file);
    const [row] = probe.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    probe.close();
    expect(row!.checkpointed).toBe(row!.log);
    // and the next commits reuse the WAL from its start instead of appending
    for (let i = 0; i < 500; i++) temp.store.record(balance(i));
    temp.store.commit();
    expect(walSize()).toBeLessThanOrEqual(grown);
  });

  it('a process that leaves its store open still exits by itself', () => {
    temp = openTempStore();
    const dir = join(temp.file, '..', 'child.db');
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'fixtures', 'open-store-and-end.ts'), dir], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stdout).toContain('committed');
    expect(run.signal, 'the child had to be killed: something kept it alive').toBeNull();
    expect(run.status).toBe(0);
  });

  it('a store can be closed and its folder deleted at once', () => {
    for (let i = 0; i < 20; i++) {
      const t = openTempStore();
      t.store.record(balance(i));
      t.store.commit();
      t.dispose();
    }
  });
});
