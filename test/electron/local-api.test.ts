import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalApiSettings } from '../../src-common/contract/bridge.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { TernError } from '../../src-common/contract/errors.js';
import { readJsonFile, writeJsonFile } from '../../src-main/electron/json-file.js';
import {
  apiServerStarter,
  DEFAULT_LOCAL_API,
  LOCAL_API_FILE,
  LocalApiController,
  listenFailure,
  parseLocalApiSettings,
} from '../../src-main/electron/local-api.js';

const inUse = () => Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });

/** A controller over fake servers: `taken` ports refuse to listen. */
function fakeController(saved: LocalApiSettings = { ...DEFAULT_LOCAL_API }, taken = new Set<number>()) {
  const log: string[] = [];
  const running = new Set<number>();
  let stored = { ...saved };
  const saves: LocalApiSettings[] = [];
  const controller = new LocalApiController({
    start: async (port) => {
      log.push(`start ${port}`);
      if (taken.has(port)) throw inUse();
      running.add(port);
      return {
        url: `http://127.0.0.1:${port}`,
        close: async () => {
          log.push(`stop ${port}`);
          running.delete(port);
        },
      };
    },
    load: async () => stored,
    save: async (s) => {
      stored = { ...s };
      saves.push({ ...s });
    },
  });
  return { controller, log, running, saves, stored: () => stored };
}

describe('local API settings file', () => {
  it('is off on port 7878 by default, and when the file is missing or invalid', () => {
    expect(DEFAULT_LOCAL_API).toEqual({ enabled: false, port: 7878 });
    for (const bad of [null, {}, { enabled: 'yes', port: 7878 }, { enabled: true, port: 80 }, { enabled: true, port: 7878, host: '0.0.0.0' }]) {
      expect(parseLocalApiSettings(bad)).toEqual({ enabled: false, port: 7878 });
    }
    expect(parseLocalApiSettings({ enabled: true, port: 9000 })).toEqual({ enabled: true, port: 9000 });
  });

  it('words listen failures for the settings screen', () => {
    expect(listenFailure(7878, inUse())).toBe('port 7878 is already in use on 127.0.0.1');
    expect(listenFailure(7878, Object.assign(new Error(), { code: 'EACCES' }))).toBe('no permission to listen on port 7878');
    expect(listenFailure(7878, new Error('?'))).toBe('cannot listen on 127.0.0.1:7878');
  });
});

describe('local API switch', () => {
  it('stays off at start unless the trader turned it on', async () => {
    const f = fakeController();
    expect(await f.controller.init()).toEqual({ enabled: false, port: 7878, running: false, url: null, error: null });
    expect(f.log).toEqual([]);
  });

  it('starts at start on the saved port when the trader left it on', async () => {
    const f = fakeController({ enabled: true, port: 9100 });
    expect(await f.controller.init()).toEqual({ enabled: true, port: 9100, running: true, url: 'http://127.0.0.1:9100', error: null });
  });

  it('stays on but not running, saying why, when the saved port is taken at start', async () => {
    const f = fakeController({ enabled: true, port: 9100 }, new Set([9100]));
    expect(await f.controller.init()).toEqual({ enabled: true, port: 9100, running: false, url: null, error: 'port 9100 is already in use on 127.0.0.1' });
  });

  it('turns on, moves to another port and turns off, saving each change once it took effect', async () => {
    const f = fakeController();
    await f.controller.init();
    expect(await f.controller.setEnabled({ enabled: true, port: 9100 })).toMatchObject({ enabled: true, running: true, url: 'http://127.0.0.1:9100' });
    expect(await f.controller.setEnabled({ enabled: true, port: 9100 })).toMatchObject({ running: true });
    expect(await f.controller.setEnabled({ enabled: true, port: 9200 })).toMatchObject({ port: 9200, url: 'http://127.0.0.1:9200' });
    expect(await f.controller.setEnabled({ enabled: false, port: 9200 })).toEqual({ enabled: false, port: 9200, running: false, url: null, error: null });
    expect(f.log).toEqual(['start 9100', 'stop 9100', 'start 9200', 'stop 9200']);
    expect(f.saves.map((s) => `${s.enabled}:${s.port}`)).toEqual(['true:9100', 'true:9100', 'true:9200', 'false:9200']);
  });

  it('refuses a taken port with CONFLICT naming the port, keeps the previous server and the saved setting', async () => {
    const f = fakeController({ enabled: true, port: 9100 }, new Set([9200]));
    await f.controller.init();
    const err = await f.controller.setEnabled({ enabled: true, port: 9200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TernError);
    expect(err).toMatchObject({ code: 'CONFLICT', message: 'port 9200 is already in use on 127.0.0.1', details: { field: 'port' } });
    expect(f.controller.status()).toEqual({ enabled: true, port: 9100, running: true, url: 'http://127.0.0.1:9100', error: null });
    expect(f.stored()).toEqual({ enabled: true, port: 9100 });
    expect([...f.running]).toEqual([9100]);
  });

  it.each([
    [{ enabled: true, port: 80 }, 'port'],
    [{ enabled: true, port: 70000 }, 'port'],
    [{ enabled: true, port: '7878' }, 'port'],
    [{ enabled: 1, port: 7878 }, 'enabled'],
    [{ enabled: true, port: 7878, host: '0.0.0.0' }, 'params'],
    [null, 'params'],
  ])('refuses %j with BAD_REQUEST naming %s, starting nothing', async (params, field) => {
    const f = fakeController();
    await f.controller.init();
    await expect(f.controller.setEnabled(params)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field } });
    expect(f.log).toEqual([]);
  });

  it('applies changes one at a time, in the order asked', async () => {
    const f = fakeController();
    await f.controller.init();
    const a = f.controller.setEnabled({ enabled: true, port: 9100 });
    const b = f.controller.setEnabled({ enabled: true, port: 9200 });
    const c = f.controller.setEnabled({ enabled: false, port: 9200 });
    await Promise.all([a, b, c]);
    expect(f.log).toEqual(['start 9100', 'stop 9100', 'start 9200', 'stop 9200']);
    expect(f.stored()).toEqual({ enabled: false, port: 9200 });
  });

  it('stops the server at quit without forgetting that it was on', async () => {
    const f = fakeController({ enabled: true, port: 9100 });
    await f.controller.init();
    await f.controller.close();
    expect(f.running.size).toBe(0);
    expect(f.stored()).toEqual({ enabled: true, port: 9100 });
    await expect(f.controller.setEnabled({ enabled: true, port: 9100 })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('local API switch with the real server and file', () => {
  let dir: string | undefined;
  let blocker: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((res) => (blocker ? blocker.close(() => res()) : res()));
    blocker = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const engine: EngineApi = {
    call: (async (method: string) => {
      if (method === 'health') return { status: 'ok', version: 'test', mode: 'paper', uptime_ms: 0 };
      throw new TernError('NOT_FOUND', method);
    }) as EngineApi['call'],
    answer: (async (method: string) => {
      if (method === 'health') return { status: 'ok', version: 'test', mode: 'paper', uptime_ms: 0 };
      throw new TernError('NOT_FOUND', method);
    }) as EngineApi['answer'],
    subscribe: () => () => {},
    authenticate: () => null,
    keyPrincipal: () => null,
    onKeyRevoked: () => () => {},
    stats: () => ({}),
  };

  async function listenAnywhere(): Promise<Server> {
    const s = createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', () => res()));
    return s;
  }
  const portOf = (s: Server) => (s.address() as { port: number }).port;

  async function realController() {
    dir = await mkdtemp(join(tmpdir(), 'tern-local-api-'));
    const file = join(dir, LOCAL_API_FILE);
    const controller = new LocalApiController({
      start: apiServerStarter({ engine, version: 'test', logger: false }),
      load: async () => parseLocalApiSettings(await readJsonFile(file, (j) => j)),
      save: (s) => writeJsonFile(file, s),
    });
    await controller.init();
    return { controller, file };
  }

  it('serves the API on 127.0.0.1 only while on, and remembers the switch in the data folder', async () => {
    const { controller, file } = await realController();
    const probe = await listenAnywhere();
    const port = portOf(probe);
    await new Promise<void>((res) => probe.close(() => res()));

    const on = await controller.setEnabled({ enabled: true, port });
    expect(on).toMatchObject({ running: true, url: `http://127.0.0.1:${port}` });
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ enabled: true, port });

    await controller.setEnabled({ enabled: false, port });
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ enabled: false, port });
    await controller.close();
  });

  it('answers CONFLICT for a port another program holds', async () => {
    const { controller, file } = await realController();
    blocker = await listenAnywhere();
    const port = portOf(blocker);
    await expect(controller.setEnabled({ enabled: true, port })).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'port' } });
    expect(controller.status()).toMatchObject({ enabled: false, running: false });
    await expect(readFile(file, 'utf8')).rejects.toThrow(); // nothing saved
    await controller.close();
  });
});
