import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../src-main/api/server.js';
import { createRuntime } from '../src-main/runtime.js';
import { MemorySecretStore } from '../src-main/secrets/secret-store.js';
import { DataFolderLocked } from '../src-main/store/data-folder-lock.js';
import { RestClient } from './helpers/api-harness.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ctx = { actor: 'test' };
const open = (dataDir: string) => createRuntime({ dataDir, secrets: new MemorySecretStore(), reconcile: { intervalMs: 0 } });

describe('runtime: one Tern per data folder', () => {
  it('a second runtime on the same folder is refused before it writes anything, and the first keeps trading', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-two-'));
    dirs.push(dataDir);
    const first = await open(dataDir);
    try {
      const refused = await open(dataDir).then(
        () => null,
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(DataFolderLocked);
      expect((refused as Error).message).toBe(`Tern is already running on ${dataDir} (pid ${process.pid})`);

      // the first is untouched: it writes and its /health says ok
      const order = await first.api.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '1000', quantity: '0.01', client_order_id: 'still-mine' }, ctx);
      expect(order.client_order_id).toBe('still-mine');
      await first.engine.journal.durable();
      const server = createApiServer({ engine: first.api, version: 't', logger: false });
      expect((await new RestClient(server.app).get('/health')).json).toMatchObject({ status: 'ok' });
      await server.close();
    } finally {
      await first.close();
    }
    // released on close: the next Tern starts
    const next = await open(dataDir);
    expect((await next.api.call('orders.get', { id: 'still-mine' }, ctx)).client_order_id).toBe('still-mine');
    await next.close();
  });

  it('/health does not say ok once a write to the store failed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tern-health-'));
    dirs.push(dataDir);
    const rt = await open(dataDir);
    const server = createApiServer({ engine: rt.api, version: 't', logger: false });
    const rest = new RestClient(server.app);
    try {
      expect((await rest.get('/health')).status).toBe(200);
      // what a second writer did to the first before the lock: its next commit fails
      rt.store.commit = () => {
        throw new Error('UNIQUE constraint failed: journal.seq');
      };
      await expect(rt.api.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', price: '1000', quantity: '0.01' }, ctx)).rejects.toThrow();
      const health = await rest.get('/health');
      expect(health.status).toBeGreaterThanOrEqual(500);
      expect(health.json.error.message).toMatch(/store/);
    } finally {
      await server.close();
      await rt.close().catch(() => {});
    }
  });
});
