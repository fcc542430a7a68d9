import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'tools', 'exchange-sim', 'main.ts');

function run(args: string[]): { child: ChildProcess; firstLine: Promise<string>; exit: Promise<number | null>; stderr: () => string } {
  const child = spawn(tsx, [main, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', () => reject(new Error(`exited before printing: ${err}`)));
  });
  firstLine.catch(() => undefined); // a run that is meant to fail never prints
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, firstLine, exit, stderr: () => err };
}

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url, init);
  return { status: r.status, body: await r.json() };
}

describe('npm run exchange-sim (tools/exchange-sim/main.ts)', () => {
  let sim: ReturnType<typeof run>;
  let info: { url: string; wsUrl: string; port: number; apiKey: string; secret: string };

  beforeAll(async () => {
    sim = run(['--port', '0', '--tick-ms', '0', '--api-key', 'cli-key', '--secret', 'cli-secret', '--balance', 'USDT=500']);
    info = JSON.parse(await sim.firstLine) as typeof info;
  });

  afterAll(async () => {
    sim.child.kill('SIGTERM');
    await sim.exit;
  });

  it('prints its loopback URLs and the API key it created', () => {
    expect(info.url).toBe(`http://127.0.0.1:${info.port}`);
    expect(info.wsUrl).toBe(`ws://127.0.0.1:${info.port}`);
    expect(info).toMatchObject({ apiKey: 'cli-key', secret: 'cli-secret' });
  });

  it('answers /api/v3/ping with {} like Binance', async () => {
    expect(await json(`${info.url}/api/v3/ping`)).toEqual({ status: 200, body: {} });
  });

  it('is controlled over HTTP under /__sim/', async () => {
    expect(await json(`${info.url}/__sim/balances?apiKey=cli-key`)).toEqual({ status: 200, body: { USDT: { free: '500', locked: '0' } } });
    const set = await json(`${info.url}/__sim/price`, { method: 'POST', body: JSON.stringify({ symbol: 'BTC/USDT', price: '65000' }) });
    expect(set).toEqual({ status: 200, body: { price: '65000' } });
    const fault = await json(`${info.url}/__sim/faults`, { method: 'POST', body: JSON.stringify({ kind: 'status', status: 503, endpoint: 'GET /api/v3/time', times: 1 }) });
    expect(fault.status).toBe(200);
    expect((await fetch(`${info.url}/api/v3/time`)).status).toBe(503);
    expect((await fetch(`${info.url}/api/v3/time`)).status).toBe(200);
    expect(await json(`${info.url}/__sim/requests`)).toMatchObject({ body: { counts: { 'GET /api/v3/time': 2, 'GET /api/v3/ping': 1 } } });
    expect(await json(`${info.url}/__sim/nope`)).toMatchObject({ status: 404 });
    expect(await json(`${info.url}/__sim/price`, { method: 'POST', body: JSON.stringify({ symbol: 'DOGE/USDT', price: '1' }) })).toMatchObject({ status: 400 });
  });

  it('refuses to listen on anything but loopback', async () => {
    const bad = run(['--port', '0', '--host', '0.0.0.0']);
    expect(await bad.exit).toBe(1);
    expect(bad.stderr()).toContain('127.0.0.1 only');
  });
});
