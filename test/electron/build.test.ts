import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let out: string;

/** A stand-in for the sandbox's `require('electron')`: records what the preload exposes and sends. */
function fakeElectron() {
  const exposed: Record<string, unknown> = {};
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  let reply: unknown = { ok: true, result: null };
  return {
    exposed,
    invoked,
    listeners,
    setReply: (r: unknown) => (reply = r),
    emit: (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l({}, payload)),
    module: {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return reply;
        },
        on: (channel: string, l: (...args: unknown[]) => void) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(l);
        },
        removeListener: (channel: string, l: (...args: unknown[]) => void) => listeners.get(channel)?.delete(l),
      },
    },
  };
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'tern-build-'));
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', out, '--logLevel', 'error'], {
    cwd: root,
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });
}, 120_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('electron-vite build', () => {
  it('writes the main entry named by package.json, as an ES module that keeps package deps external', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('out/main/index.js');
    const main = await readFile(join(out, 'main', 'index.js'), 'utf8');
    expect(main).toMatch(/^import .* from "electron";/m);
    // package dependencies (better-sqlite3, fastify, zod...) are imported at run time, never inlined
    expect(main).not.toMatch(/^\/\/ node_modules\//m);
  });

  it('locates run-time files through resources.ts, not paths relative to out/main (which sit inside the asar when packaged)', async () => {
    const main = await readFile(join(out, 'main', 'index.js'), 'utf8');
    expect(main).not.toMatch(/\.\.\/\.\.\/resources/);
    expect(main).toContain('process.resourcesPath');
  });

  it('bundles the preload into one CommonJS file whose only require is electron (sandbox-safe)', async () => {
    expect(await readdir(join(out, 'preload'))).toEqual(['index.cjs']);
    const src = await readFile(join(out, 'preload', 'index.cjs'), 'utf8');
    expect(src).not.toMatch(/^\s*(import|export)\s/m);
    const required = [...src.matchAll(/require\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('emits a renderer page with no inline script, so the strict CSP can run it', async () => {
    const html = await readFile(join(out, 'renderer', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\//);
      expect(body!.trim()).toBe('');
    }
  });
});

describe('the built preload', () => {
  async function loadPreload() {
    const electron = fakeElectron();
    const src = await readFile(join(out, 'preload', 'index.cjs'), 'utf8');
    const require = (name: string) => {
      if (name === 'electron') return electron.module;
      throw new Error(`sandboxed preload cannot require ${name}`);
    };
    runInNewContext(src, { require, module: { exports: {} }, exports: {} });
    return electron;
  }

  it('exposes exactly one object, window.tern, with call, onEvent and shell', async () => {
    const { exposed } = await loadPreload();
    expect(Object.keys(exposed)).toEqual(['tern']);
    expect(Object.keys(exposed['tern'] as object).sort()).toEqual(['call', 'onEvent', 'shell']);
  });

  it('sends shell calls on tern:shell and rejects with the plain error object', async () => {
    const e = await loadPreload();
    const tern = e.exposed['tern'] as { shell: (m: string, p: unknown) => Promise<unknown> };
    const status = { enabled: false, port: 7878, running: false, url: null, error: null };
    e.setReply({ ok: true, result: status });
    await expect(tern.shell('api.status', {})).resolves.toEqual(status);
    expect(e.invoked).toEqual([['tern:shell', 'api.status', {}]]);
    const error = { code: 'CONFLICT', message: 'port 7878 is already in use on 127.0.0.1', details: { field: 'port' } };
    e.setReply({ ok: false, error });
    await expect(tern.shell('api.setEnabled', { enabled: true, port: 7878 })).rejects.toEqual(error);
  });

  it('sends calls on tern:call and resolves with the result', async () => {
    const e = await loadPreload();
    const tern = e.exposed['tern'] as { call: (m: string, p: unknown) => Promise<unknown> };
    e.setReply({ ok: true, result: { status: 'ok' } });
    await expect(tern.call('health', {})).resolves.toEqual({ status: 'ok' });
    expect(e.invoked).toEqual([['tern:call', 'health', {}]]);
  });

  it('rejects with the plain error object so code and details survive the bridge', async () => {
    const e = await loadPreload();
    const tern = e.exposed['tern'] as { call: (m: string, p: unknown) => Promise<unknown> };
    const error = { code: 'INVALID_ORDER', message: 'bad price', details: { field: 'price' } };
    e.setReply({ ok: false, error });
    await expect(tern.call('orders.create', {})).rejects.toEqual(error);
  });

  it('delivers tern:event messages to listeners until they unsubscribe', async () => {
    const e = await loadPreload();
    const tern = e.exposed['tern'] as { onEvent: (l: (ev: unknown) => void) => () => void };
    const seen: unknown[] = [];
    const off = tern.onEvent((ev) => seen.push(ev));
    e.emit('tern:event', { kind: 'orders', channel: 'orders', data: { id: 'o1' } });
    off();
    e.emit('tern:event', { kind: 'orders', channel: 'orders', data: { id: 'o2' } });
    expect(seen).toEqual([{ kind: 'orders', channel: 'orders', data: { id: 'o1' } }]);
    expect(e.listeners.get('tern:event')?.size).toBe(0);
  });
});
