import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Accounts, type AccountOptions } from './accounts.js';
import { withoutSignature } from './auth.js';
import type { CandleRow } from './candles.js';
import type { SimContext } from './context.js';
import { createControl, handleControlHttp, type SimControl } from './control.js';
import { Engine } from './engine.js';
import { errors, SimError } from './errors.js';
import { Faults, RequestLog, type RestFault } from './faults.js';
import { DEFAULT_SYMBOLS, toMarket, type SymbolSpec } from './markets.js';
import { handleRest } from './rest.js';
import { Rng } from './rng.js';
import { WsHub } from './ws.js';

export interface ExchangeSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback is allowed. */
  host?: string;
  symbols?: SymbolSpec[];
  /** Seed of the price path and the synthetic history. */
  seed?: number;
  /** Random price steps on a timer (every symbol); 0 (default) moves prices only on demand. */
  tickIntervalMs?: number;
  /** Minutes of synthetic 1m candle history before start (default 2880, two days). */
  historyMinutes?: number;
  /** Real candle history per Binance symbol id (replaces the synthetic history; the last close becomes the price). */
  candles?: Record<string, CandleRow[]>;
  /** API keys created at start. */
  accounts?: AccountOptions[];
}

export interface ExchangeSim {
  /** http://127.0.0.1:PORT — the REST base (Binance paths such as /api/v3/... hang below it). */
  url: string;
  /** ws://127.0.0.1:PORT — market streams at /ws and /stream, the WebSocket API at /ws-api/v3. */
  wsUrl: string;
  port: number;
  control: SimControl;
  /** API keys of `options.accounts`, in order. */
  apiKeys: Array<{ apiKey: string; secret: string }>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === '') return out;
  for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
  return out;
}

/** Binance's body for a status fault, unless the test gave one. */
function faultResponse(f: Extract<RestFault, { kind: 'status' }>, now: number): { headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined || f.status === 429 || f.status === 418) headers['Retry-After'] = String(f.retryAfter ?? 1);
  if (f.body !== undefined) {
    if (typeof f.body === 'string') return { headers: { ...headers, 'Content-Type': 'text/plain' }, body: f.body };
    return { headers: { ...headers, 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(f.body) };
  }
  if (f.status === 429) return { headers: { ...headers, 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(errors.tooManyRequests().body()) };
  if (f.status === 418) {
    const until = now + (f.retryAfter ?? 1) * 1000;
    return { headers: { ...headers, 'Content-Type': 'application/json;charset=UTF-8' }, body: JSON.stringify(errors.banned(until).body()) };
  }
  // A gateway's answer, not Binance's JSON: ccxt maps it by HTTP status alone.
  return { headers: { ...headers, 'Content-Type': 'text/html' }, body: `<html><body><h1>${f.status} ${STATUS_CODES[f.status] ?? ''}</h1></body></html>` };
}

/** Starts the loopback Binance spot simulator. */
export async function startExchangeSim(options: ExchangeSimOptions = {}): Promise<ExchangeSim> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`exchange-sim listens on loopback only (127.0.0.1), not ${host}`);
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
  const markets = (options.symbols ?? DEFAULT_SYMBOLS).map(toMarket);
  const accounts = new Accounts();
  const rng = new Rng(options.seed ?? 42);
  const engine = new Engine(markets, accounts, now, rng, { historyMinutes: options.historyMinutes ?? 2880, candles: options.candles });
  const ctx: SimContext = { engine, accounts, markets, now, listenKeys: new Map(), faults: new Faults(), log: new RequestLog() };
  const hub = new WsHub(ctx);
  engine.sink = { user: (k, ev) => hub.user(k, ev), market: (ev) => hub.market(ev) };
  const control = createControl(ctx, hub, (ms) => {
    clockOffset = ms;
  });
  const apiKeys = (options.accounts ?? []).map((a) => {
    const acc = accounts.create(a);
    return { apiKey: acc.apiKey, secret: acc.secret };
  });

  /** Requests a fault left unanswered, ended on close. */
  const hung = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
    res.end(body);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const rawBody = await readBody(req);

    if (path.startsWith('/__sim/')) {
      let body: Record<string, unknown> = {};
      if (rawBody.trim() !== '') {
        try {
          body = JSON.parse(rawBody) as Record<string, unknown>;
        } catch {
          send(res, 400, JSON.stringify({ error: 'control body must be JSON' }));
          return;
        }
      }
      const [status, out] = handleControlHttp(control, method, path, url.searchParams, body);
      send(res, status, JSON.stringify(out));
      return;
    }

    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : '';
    const params = { ...parseParams(rawQuery), ...parseParams(rawBody) };
    const apiKeyHeader = req.headers['x-mbx-apikey'];
    const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
    const { signature: _sig, ...logged } = params;
    const record = ctx.log.add({ time: now(), method, path, endpoint: `${method} ${path}`, apiKey, params: logged });

    const { latencyMs, outcome } = ctx.faults.takeRest(method, path, params);
    if (latencyMs > 0) await sleep(latencyMs);
    if (outcome?.kind === 'timeout') {
      record.outcome = 'timeout';
      hung.add(res);
      res.on('close', () => hung.delete(res));
      return;
    }
    if (outcome?.kind === 'reset') {
      record.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    if (outcome?.kind === 'status' && !outcome.process) {
      record.outcome = outcome.status;
      const r = faultResponse(outcome, now());
      send(res, outcome.status, r.body, r.headers);
      return;
    }

    let status = 200;
    let body: string;
    try {
      const result = handleRest(ctx, { method, path, params, apiKey, signedPayload: withoutSignature(rawQuery) + withoutSignature(rawBody) });
      body = JSON.stringify(result);
    } catch (e) {
      const err = e instanceof SimError ? e : errors.unknown(e instanceof Error ? `exchange-sim: ${e.message}` : undefined);
      status = err.status;
      body = JSON.stringify(err.body());
    }

    if (outcome?.kind === 'drop-response') {
      if (outcome.mode === 'hang') {
        record.outcome = 'hang';
        hung.add(res);
        res.on('close', () => hung.delete(res));
      } else {
        record.outcome = 'dropped';
        req.socket.destroy();
      }
      return;
    }
    if (outcome?.kind === 'status') {
      record.outcome = outcome.status;
      const r = faultResponse(outcome, now());
      send(res, outcome.status, r.body, r.headers);
      return;
    }
    record.outcome = status;
    send(res, status, body, { 'X-MBX-USED-WEIGHT-1M': String(ctx.log.count()) });
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      send(res, 500, JSON.stringify(errors.unknown(e instanceof Error ? e.message : String(e)).body()));
    });
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let ticker: NodeJS.Timeout | undefined;
  if (options.tickIntervalMs && options.tickIntervalMs > 0) {
    ticker = setInterval(() => control.tick(), options.tickIntervalMs);
    ticker.unref();
  }

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    port,
    control,
    apiKeys,
    close() {
      closed ??= new Promise<void>((resolve) => {
        if (ticker) clearInterval(ticker);
        for (const t of timers) clearTimeout(t);
        for (const res of hung) res.destroy();
        hub.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
