/**
 * The REST API alone (issue 15): what `POST /api/v1/orders` costs the server
 * without the engine's own work, so the REST bench's numbers can be split into
 * the API's share (Node's HTTP, fastify, the hooks: guard, auth, rate limit,
 * metrics; the body's parsing, the parameters' check, the answer's JSON) and
 * the engine's. The server is this process: the real createApiServer over an
 * engine that checks each call's parameters as the engine does and answers a
 * market order captured from a real paper engine. The load generator is this
 * file again in a separate process (argv[2] === 'client'): an undici Pool of
 * 8 keep-alive connections, closed loop (the most requests per second the
 * API sustains) then open loop at 1,000/s, as the REST bench does.
 * BENCH_REST_SECONDS sets the length of each phase (default 10).
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import type { EngineApi } from '../src-common/contract/engine-api.js';
import { METHODS, type MethodName } from '../src-common/contract/methods.js';
import { placeOrderParamsFast } from '../src-common/contract/place-order-fast.js';
import { parseParams } from '../src-common/contract/validation.js';
import { createApiServer } from '../src-main/api/server.js';
import { benchEngine } from './engine-fixture.js';
import { emit, percentiles } from './stats.js';
import { closedLoop as closedLoopOf, openLoop as openLoopOf } from './load-loops.js';

const CONNECTIONS = 8;
const RATE = 1000;
const SECONDS = Number(process.env['BENCH_REST_SECONDS'] ?? 10);
const KEY = 'tern_bench_api_layer_key';

/** one line on stdout, then the parent's word on stdin: the server reads its CPU time at each phase's edge */
async function phase(name: string): Promise<void> {
  process.stdout.write(`${JSON.stringify({ phase: name })}\n`);
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
}

async function client(url: string): Promise<void> {
  const pool = new Pool(url, { connections: CONNECTIONS, pipelining: 1, keepAliveTimeout: 60_000 });
  const body = JSON.stringify({ symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.1' });
  let failed = 0;
  const order = async (due: bigint): Promise<number | null> => {
    const res = await pool.request({ method: 'POST', path: '/api/v1/orders', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body });
    await res.body.text();
    if (res.statusCode !== 201) return (failed += 1), null;
    return Number(process.hrtime.bigint() - due);
  };
  const closedLoop = (seconds: number) => closedLoopOf(order, CONNECTIONS, seconds);
  const openLoop = (rate: number, seconds: number) => openLoopOf(order, rate, seconds);
  const cpuUsPer = (cpu: NodeJS.CpuUsage, n: number) => Math.round((cpu.user + cpu.system) / n);

  await closedLoop(2); // warm-up: both processes' JIT
  await phase('sustained');
  let cpu0 = process.cpuUsage();
  const sustained = await closedLoop(SECONDS);
  const sustainedCpu = cpuUsPer(process.cpuUsage(cpu0), sustained.ns.length);
  await phase('paced');
  cpu0 = process.cpuUsage();
  const paced = await openLoop(RATE, SECONDS);
  const pacedCpu = cpuUsPer(process.cpuUsage(cpu0), paced.total);
  await phase('end');
  await pool.close();
  process.stdout.write(`${JSON.stringify({ sustained: { ...sustained, clientCpu: sustainedCpu }, paced: { ...paced, clientCpu: pacedCpu }, failed })}\n`);
  process.stdin.destroy();
}

async function server(): Promise<void> {
  // a real paper order's answer, and the principal of a trade key: the engine's work is done once, here
  const real = await benchEngine();
  real.engine.ensureKey(KEY, 'bench-bot', ['trade']);
  const principal = { ...real.engine.authenticate(KEY)!, rateLimit: { perSecond: 1e6, burst: 1e6 } };
  const placed = await real.engine.answer('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.1' }, { actor: 'bench', keyId: principal.id });
  await real.engine.stop();
  real.dispose();
  const engine: EngineApi = {
    call: async () => {
      throw new Error('not served here');
    },
    // the parameters are checked as the engine checks them (engine.ts answer); the answer is the captured order
    answer: async (method: MethodName, params: unknown) => {
      if (!(method === 'orders.create' && placeOrderParamsFast(params))) parseParams(METHODS[method].params, params ?? {});
      return placed as never;
    },
    subscribe: () => () => {},
    authenticate: (key) => (key === KEY ? principal : null),
    keyPrincipal: () => principal,
    onKeyRevoked: () => () => {},
    stats: () => ({}),
  };
  const api = createApiServer({ engine, port: 0, version: 'bench', logger: false, rateLimit: { perSecond: 1e6, burst: 1e6 } });
  const { url } = await api.listen();

  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'client', url], { stdio: ['pipe', 'pipe', 'inherit'] });
  const cpuAt = new Map<string, NodeJS.CpuUsage>();
  let out = '';
  let seen = 0;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const lines = out.split('\n');
    for (; seen < lines.length - 1; seen++) {
      if (!lines[seen]!.startsWith('{"phase"')) continue;
      cpuAt.set((JSON.parse(lines[seen]!) as { phase: string }).phase, process.cpuUsage());
      child.stdin.write('go\n');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  await api.close();
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  type Phase = { ns: number[]; seconds: number; clientCpu: number; total?: number };
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { sustained: Phase; paced: Phase & { total: number }; failed: number };
  const serverCpu = (from: string, to: string, n: number) => {
    const [a, b] = [cpuAt.get(from)!, cpuAt.get(to)!];
    return Math.round((b.user - a.user + b.system - a.system) / n);
  };
  const common = { what: 'POST /api/v1/orders, the API without the engine (a captured answer)', cores: availableParallelism(), connections: CONNECTIONS, process: 'separate' };
  emit({
    bench: 'rest_api_layer_sustained',
    ...common,
    orders: r.sustained.ns.length,
    failed: r.failed,
    orders_per_s: Math.round(r.sustained.ns.length / r.sustained.seconds),
    ...percentiles(r.sustained.ns),
    server_cpu_us_per_order: serverCpu('sustained', 'paced', r.sustained.ns.length),
    client_cpu_us_per_order: r.sustained.clientCpu,
  });
  emit({
    bench: 'rest_api_layer_at_1000',
    ...common,
    asked_per_s: RATE,
    orders: r.paced.ns.length,
    achieved_per_s: Math.round(r.paced.ns.length / r.paced.seconds),
    ...percentiles(r.paced.ns),
    server_cpu_us_per_order: serverCpu('paced', 'end', r.paced.total),
    client_cpu_us_per_order: r.paced.clientCpu,
  });
}

if (process.argv[2] === 'client') await client(process.argv[3]!);
else await server();
