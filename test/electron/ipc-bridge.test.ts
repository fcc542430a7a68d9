import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { TernError } from '../../src-common/contract/errors.js';
import { callEngine, callShell, foreignSenderReply, isShellMethodName, type ShellHandlers, UI_CONTEXT } from '../../src-main/electron/ipc-bridge.js';
import { createRuntime } from '../../src-main/runtime.js';

function fakeApi(impl: (method: string, params: unknown) => unknown): Pick<EngineApi, 'call'> & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    call: (async (method: string, params: unknown, ctx: unknown) => {
      calls.push([method, params, ctx]);
      return impl(method, params);
    }) as EngineApi['call'],
  };
}

describe('desktop bridge calls', () => {
  it('passes the call to the engine as the ui actor and returns the result as a value', async () => {
    const health = { status: 'ok', version: '0.1.0', mode: 'paper', uptime_ms: 5 };
    const api = fakeApi(() => health);
    expect(await callEngine(api, 'health', {})).toEqual({ ok: true, result: health });
    expect(api.calls).toEqual([['health', {}, UI_CONTEXT]]);
    expect(UI_CONTEXT.actor).toBe('ui');
  });

  it('treats missing params as an empty object', async () => {
    const api = fakeApi(() => ({}));
    await callEngine(api, 'accounts.list', undefined);
    expect(api.calls[0]?.[1]).toEqual({});
  });

  it('refuses an unknown method with BAD_REQUEST naming the method field, without calling the engine', async () => {
    const api = fakeApi(() => ({}));
    for (const method of ['nope', 'constructor', '__proto__', 42, null]) {
      const reply = await callEngine(api, method, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { field: 'method' } } });
    }
    expect(api.calls).toHaveLength(0);
  });

  it('returns a TernError as its code, message and details', async () => {
    const api = fakeApi(() => {
      throw new TernError('INVALID_ORDER', 'price must be a multiple of 0.01', { field: 'price' });
    });
    expect(await callEngine(api, 'orders.create', {})).toEqual({
      ok: false,
      error: { code: 'INVALID_ORDER', message: 'price must be a multiple of 0.01', details: { field: 'price' } },
    });
  });

  it('hides the text of an unexpected error behind INTERNAL and reports it for logging', async () => {
    const boom = new Error('SQLITE_CORRUPT at /home/me/secret.db');
    const api = fakeApi(() => {
      throw boom;
    });
    const onUnexpected = vi.fn();
    const reply = await callEngine(api, 'orders.list', {}, onUnexpected);
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(onUnexpected).toHaveBeenCalledWith(boom);
  });

  it('refuses calls from a foreign page with FORBIDDEN', () => {
    expect(foreignSenderReply()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('desktop bridge over the real runtime', () => {
  it('answers health and returns refusals as plain values that survive structured cloning (IPC)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tern-bridge-'));
    const sample = join(import.meta.dirname, '..', '..', 'resources', 'replay', 'BTC-USDT_1m_sample.csv');
    const runtime = await createRuntime({ dataDir, feed: `replay:${sample}@0` });
    try {
      const health = await callEngine(runtime.api, 'health', {});
      expect(health).toMatchObject({ ok: true, result: { status: 'ok' } });
      expect(structuredClone(health)).toEqual(health);

      const refused = await callEngine(runtime.api, 'orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', quantity: '-1', price: '1' });
      expect(refused.ok).toBe(false);
      expect(structuredClone(refused)).toEqual(refused);
      if (refused.ok) throw new Error('unreachable');
      expect(refused.error.code).toBe('BAD_REQUEST');
      expect(JSON.stringify(refused.error)).toContain('quantity');
    } finally {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('desktop shell calls', () => {
  const status = { enabled: true, port: 9000, running: true, url: 'http://127.0.0.1:9000', error: null };
  function handlers(): ShellHandlers & { seen: unknown[] } {
    const seen: unknown[] = [];
    return {
      seen,
      'api.status': async (p) => (seen.push(['api.status', p]), status),
      'api.setEnabled': async (p) => {
        seen.push(['api.setEnabled', p]);
        throw new TernError('CONFLICT', 'port 9000 is already in use on 127.0.0.1', { field: 'port' });
      },
      'files.choose': async (p) => (seen.push(['files.choose', p]), { name: null, folder: null }),
    };
  }

  it('knows exactly the shell methods of the bridge contract, none of the engine', () => {
    expect(isShellMethodName('api.status')).toBe(true);
    expect(isShellMethodName('api.setEnabled')).toBe(true);
    expect(isShellMethodName('files.choose')).toBe(true);
    expect(isShellMethodName('health')).toBe(false);
    expect(isShellMethodName('toString')).toBe(false);
  });

  it('runs a shell method and returns its result as a value, missing params as {}', async () => {
    const h = handlers();
    expect(await callShell(h, 'api.status', undefined)).toEqual({ ok: true, result: status });
    expect(h.seen).toEqual([['api.status', {}]]);
  });

  it('returns a refusal with its code and details', async () => {
    expect(await callShell(handlers(), 'api.setEnabled', { enabled: true, port: 9000 })).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'port 9000 is already in use on 127.0.0.1', details: { field: 'port' } },
    });
  });

  it('refuses unknown and engine method names with BAD_REQUEST naming the method field', async () => {
    for (const method of ['health', 'api.nope', '__proto__', 7]) {
      expect(await callShell(handlers(), method, {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { field: 'method' } } });
    }
  });

  it('hides an unexpected error behind INTERNAL and reports it for logging', async () => {
    const boom = new Error('EACCES /home/me/.config/Tern/local-api.json');
    const onUnexpected = vi.fn();
    const reply = await callShell({ ...handlers(), 'api.status': () => Promise.reject(boom) }, 'api.status', {}, onUnexpected);
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'internal error' } });
    expect(onUnexpected).toHaveBeenCalledWith(boom);
  });
});
