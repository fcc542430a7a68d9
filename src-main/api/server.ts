import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, type onRequestHookHandler } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { EngineApi, Principal } from '../contract/engine-api.js';
import { TernError, type ErrorBody } from '../contract/errors.js';
import { METHODS, type MethodName, type MethodSpec } from '../contract/methods.js';
import { AccessControl, type Admission, type RequiredScope } from './access.js';
import { DEFAULT_DRAIN_MS, Drain, stoppingRefusal } from './drain.js';
import { AuthFailures, DEFAULT_AUTH_FAILURE_LIMIT } from './auth-failures.js';
import { duplicateKey } from './json-duplicates.js';
import { errorHeaders, errorResponse } from './error-response.js';
import { LoopbackGuard, assertLoopbackHost } from './loopback.js';
import { ApiMetrics } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import { DEFAULT_RATE_LIMIT, TokenBuckets, type RateDecision, type RateLimitOptions } from './rate-limit.js';
import { requestParams } from './request-params.js';
import { SignInTokens, SIGN_IN_TTL_MS } from './sign-in.js';
import { registerWebUi } from './web-ui.js';
import { LogThrottle } from './log-throttle.js';
import { DEFAULT_WS_OPTIONS, WsHub, logSocketError, type WsHubOptions } from './ws-hub.js';

export { assertLoopbackHost } from './loopback.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the caller, set by the route's auth hook */
    principal: Principal | null;
  }
}

/** A pino-compatible logger (fastify's loggerInstance). */
export type ApiLogger = FastifyBaseLogger;

export interface ApiServerOptions {
  engine: EngineApi;
  /** a loopback name only; default 127.0.0.1 */
  host?: string;
  /** default 7878; 0 picks a free port */
  port?: number;
  version: string;
  mode: string;
  /** epoch ms the app started, for /health uptime */
  startedAt: number;
  logger?: ApiLogger | false;
  /** per API key, shared by REST and WebSocket calls; default 50/s, burst 100 */
  rateLimit?: RateLimitOptions;
  /** failed authentication per client address (bad key, sign-in token, WebSocket auth); default 1/s, burst 20 */
  authFailureLimit?: RateLimitOptions;
  /** largest request body (and WebSocket message) in bytes; default 64 KiB */
  bodyLimit?: number;
  /** WebSocket limits; defaults in DEFAULT_WS_OPTIONS (docs/api.md, WebSocket) */
  ws?: Partial<WsHubOptions>;
  /**
   * Serve the built renderer (out/renderer) at `/` as the web UI, with the
   * one-time sign-in links of `createSignInLink` (POST /api/v1/session/exchange).
   */
  web?: { root: string; signInTtlMs?: number };
  /** how long close() lets calls in flight finish before it answers them 503 (default 5 s) */
  drainMs?: number;
}

export interface ApiServer {
  app: FastifyInstance;
  listen(): Promise<{ url: string; port: number }>;
  /**
   * Refuses new requests (503), answers every call in flight (or 503 after
   * `drainMs`), then stops listening and closes WebSockets with 1001.
   */
  close(): Promise<void>;
  /**
   * A link that signs a browser in once (web UI only, after listen): the token
   * rides in the URL fragment, is single-use and expires after `signInTtlMs`.
   */
  createSignInLink(): { url: string; expiresAt: number };
}

/** trades a sign-in link's token for a fresh session key (web UI only) */
export const SIGN_IN_EXCHANGE_PATH = '/api/v1/session/exchange';

/** how long the key a sign-in link mints works (README, docs/api.md); signing out revokes it sooner */
export const WEB_SESSION_TTL_S = 12 * 3600;

export const DEFAULT_PORT = 7878;
/** after the drain, how long its answers have to reach their clients before connections are cut */
const CLOSE_GRACE_MS = 1_000;
export const DEFAULT_BODY_LIMIT = 64 * 1024;

type HttpMethod = NonNullable<MethodSpec['http']>['method'];

/** Routes served besides METHODS, for 404 vs 405 answers. */
const EXTRA_ROUTES: Array<{ method: HttpMethod; path: string }> = [
  { method: 'GET', path: '/api/v1/openapi.json' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/api/v1/ws' },
];

function sendError(reply: FastifyReply, err: TernError): FastifyReply {
  // API.md: a 429 says when to come back
  const wait = err.code === 'RATE_LIMITED' ? err.details?.['retry_after_s'] : undefined;
  if (typeof wait === 'number' && Number.isFinite(wait)) reply.header('retry-after', String(Math.max(0, Math.ceil(wait))));
  return reply.code(err.status).send(err.toBody());
}

function setRateHeaders(reply: FastifyReply, rate: RateDecision): void {
  reply.header('x-ratelimit-limit', rate.limit);
  reply.header('x-ratelimit-remaining', rate.remaining);
  reply.header('x-ratelimit-reset', rate.resetSeconds);
  if (!rate.allowed) reply.header('retry-after', rate.retryAfterSeconds);
}

/**
 * The local REST + WebSocket API: a thin transport over EngineApi whose routes
 * come from METHODS. Per request: loopback guard (global onRequest), then the
 * route's own auth/rate/scope hook, then params → engine.call.
 */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const { engine } = opts;
  const host = assertLoopbackHost(opts.host ?? '127.0.0.1');
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const guard = new LoopbackGuard(opts.port ?? DEFAULT_PORT);
  const access = new AccessControl(engine, new TokenBuckets(opts.rateLimit ?? DEFAULT_RATE_LIMIT), new AuthFailures(opts.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT));
  const metrics = new ApiMetrics(engine);
  const drain = new Drain();
  let closing: Promise<void> | null = null;

  const app: FastifyInstance = Fastify({
    loggerInstance: opts.logger ? opts.logger : undefined,
    bodyLimit,
    logController: new LogController({ disableRequestLogging: true }),
    exposeHeadRoutes: false,
    // close() drains: calls in flight are answered (drain.ts); idle keep-alive connections close at once
    forceCloseConnections: 'idle',
    // fastify's own 503 body is not the protocol's error shape: the drain's hook answers instead
    return503OnClosing: false,
    routerOptions: { maxParamLength: 200 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    frameworkErrors: (err, req, reply) => {
      const refusal = guard.refusal(req.headers.host, req.headers.origin);
      if (refusal) return sendError(reply as FastifyReply, refusal);
      const { status, body } = errorResponse(err, bodyLimit);
      return (reply as FastifyReply).code(status).send(body);
    },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) {
        const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'malformed HTTP request' } } satisfies ErrorBody);
        socket.write(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(err);
    },
  });
  app.decorateRequest('principal', null);

  // JSON only: a text/plain body is 415 like any other type, not a string the routes must refuse.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body is no params (routes whose params are all optional); the rest is fastify's safe parser,
  // then a refusal of duplicate keys (JSON.parse would keep the last one silently).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    parseJson(req, body as string, (err, value) => {
      if (err) return done(err, undefined);
      const dup = duplicateKey(body as string);
      if (dup !== null) return done(new TernError('BAD_REQUEST', `duplicate key "${dup}" in the request body`, { field: dup }), undefined);
      done(null, value);
    });
  });

  // Answers are about this moment and this caller: never cached, never content-sniffed into something else.
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.includes('json')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  // Stopping: nothing new starts; every answer closes its connection so the server can finish.
  app.addHook('onRequest', (_req, reply, done) => {
    if (!drain.active) return done();
    reply.header('connection', 'close');
    sendError(reply, stoppingRefusal());
  });
  app.addHook('onSend', (_req, reply, _payload, done) => {
    if (drain.active) reply.header('connection', 'close');
    done();
  });

  // Before anything else, 404s and WebSocket upgrades included: DNS rebinding and cross-site requests.
  app.addHook('onRequest', (req, reply, done) => {
    const refusal = guard.refusal(req.headers.host, req.headers.origin);
    if (refusal) {
      sendError(reply, refusal);
      return;
    }
    done();
  });

  app.addHook('onResponse', (req, reply, done) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    // A refused WebSocket upgrade answered over HTTP: the socket belongs to no HTTP
    // connection any more, so nothing else would ever close it.
    if (req.headers.upgrade !== undefined) req.raw.socket?.destroy();
    done();
  });

  app.setErrorHandler((err, req, reply) => {
    const { status, body, unexpected } = errorResponse(err, bodyLimit);
    if (unexpected) req.log.error({ err, method: req.method, url: req.url }, 'request failed');
    return reply.code(status).headers(errorHeaders(body)).send(body);
  });

  const routeTable = [...EXTRA_ROUTES];
  if (opts.web) routeTable.push({ method: 'POST', path: SIGN_IN_EXCHANGE_PATH });
  for (const spec of Object.values(METHODS) as MethodSpec[]) if (spec.http) routeTable.push(spec.http);
  const routeMatchers = routeTable.map((r) => ({ method: r.method, regex: new RegExp(`^${r.path.replace(/[.+?*()[\]{}|^$\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+')}$`) }));

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '';
    const allowed = [...new Set(routeMatchers.filter((m) => m.regex.test(path)).map((m) => m.method))];
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return reply.code(405).send({ error: { code: 'NOT_FOUND', message: `${req.method} is not a method of ${path}; allowed: ${allowed.join(', ')}`, details: { allowed } } });
    }
    return sendError(reply, new TernError('NOT_FOUND', `no route ${req.method} ${path}`, { path }));
  });

  /** auth → rate → scope, as a route-level hook so no per-request lookup is needed */
  function requireScope(scope: RequiredScope, deferredWhenNoHeader = false): onRequestHookHandler {
    return (req, reply, done) => {
      const authorization = req.headers.authorization;
      if (deferredWhenNoHeader && authorization === undefined) return done();
      let admission: Admission;
      try {
        admission = access.admit(authorization, scope, req.ip);
      } catch (err) {
        const { status, body } = errorResponse(err, bodyLimit);
        req.log.error({ err }, 'authentication failed');
        reply.code(status).send(body);
        return;
      }
      if (admission.rate) setRateHeaders(reply, admission.rate);
      if ('error' in admission) {
        if (admission.error.code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer');
        sendError(reply, admission.error);
        return;
      }
      req.principal = admission.principal;
      done();
    };
  }

  // uptime is a duration: counted on the monotonic clock from the start time given (a wall clock set back must not zero it)
  const startedMono = performance.now() - Math.max(0, Date.now() - opts.startedAt);
  const health = () => ({ status: 'ok' as 'ok' | 'degraded', version: opts.version, mode: opts.mode, uptime_ms: Math.round(performance.now() - startedMono) });

  /** one call of a method for a caller: what REST and WebSocket share */
  const invoke = (method: MethodName, params: unknown, principal: Principal | null, onNotDurable?: (why: string) => void): Promise<unknown> => {
    // the engine is asked too: a failed store (or any engine that refuses) must not read as "ok"
    if (method === 'health') {
      return engine.call('health', {}, { actor: principal?.id ?? 'anonymous' }).then((h) => (h.status === 'ok' ? health() : { ...health(), status: h.status, ...(h.reason ? { reason: h.reason } : {}) }));
    }
    return drain.bound(engine.call(method, params, { actor: principal?.id ?? 'anonymous', ...(onNotDurable ? { onNotDurable } : {}) }));
  };

  /** POST /orders: 200 with the existing order when its client_order_id is known, 201 for a new one. */
  async function placeOrder(params: Record<string, unknown>, principal: Principal | null, reply: FastifyReply): Promise<unknown> {
    const coid = params['client_order_id'];
    if (typeof coid === 'string' && METHODS['orders.create'].params.safeParse(params).success) {
      const existing = await engine.call('orders.get', { id: coid }, { actor: principal?.id ?? 'anonymous' }).catch((err: unknown) => {
        if (err instanceof TernError && err.code === 'NOT_FOUND') return null;
        throw err;
      });
      if (existing !== null && existing.client_order_id === coid) {
        reply.code(200);
        return existing;
      }
    }
    const order = await invoke('orders.create', params, principal);
    reply.code(201);
    return order;
  }

  for (const name of Object.keys(METHODS) as MethodName[]) {
    const spec: MethodSpec = METHODS[name];
    if (!spec.http) continue;
    const { method, path, status = 200 } = spec.http;
    app.route({
      method,
      url: path,
      ...(spec.scope === 'none' ? {} : { onRequest: requireScope(spec.scope) }),
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const params = requestParams(method, req.query, req.body, req.params);
        if (name === 'orders.create') return placeOrder(params, req.principal, reply);
        // a cancel or the kill switch done while the store cannot be written: said in a header (the body keeps API.md's shape)
        const result = await invoke(name, params, req.principal, (why) => reply.header('x-tern-not-durable', why.replace(/[^\x20-\x7e]/g, '?')));
        reply.code(status);
        return result ?? null;
      },
    });
  }

  let openApiText: string | undefined;
  app.get('/api/v1/openapi.json', (_req, reply) => {
    openApiText ??= JSON.stringify(buildOpenApiDocument(opts.version));
    return reply.type('application/json; charset=utf-8').send(openApiText);
  });

  app.get('/metrics', { onRequest: requireScope('read') }, async (_req, reply) => {
    const text = await metrics.render();
    return reply.type(metrics.contentType).send(text);
  });

  let hub: WsHub | undefined;
  const wsOptions: WsHubOptions = { ...DEFAULT_WS_OPTIONS, ...opts.ws };
  // what clients do on their sockets is logged one short line at a time, never a stack per frame
  const wsLog = new LogThrottle(app.log);
  app.register(fastifyWebsocket, {
    options: { maxPayload: bodyLimit },
    errorHandler: (err, socket) => {
      logSocketError(wsLog, err);
      socket.terminate();
    },
  });
  app.addHook('preClose', (done) => {
    hub?.shutdown();
    done();
  });
  app.register(async (scope) => {
    hub = new WsHub(engine, access, (m, p, who) => invoke(m, p, who), wsOptions, wsLog, (n) => metrics.wsConnections.set(n));
    scope.route({
      method: 'GET',
      url: '/api/v1/ws',
      // a browser cannot set headers: without one, the first message must be {"op": "auth"}
      onRequest: requireScope('read', true),
      // connection limits answer the upgrade in HTTP (429 naming the limit) rather than open-then-close
      preHandler: (req, reply, done) => {
        const refused = req.headers.upgrade === undefined ? null : hub!.refusal(req.principal);
        if (refused) {
          sendError(reply, refused);
          return;
        }
        done();
      },
      handler: (_req, reply) => sendError(reply, new TernError('BAD_REQUEST', 'this route takes a WebSocket upgrade')),
      wsHandler: (socket, req) => hub!.accept(socket, req.principal, req.ip),
    });
  });

  // ---- web mode: the renderer's files and the one-time sign-in exchange ----
  const signIn = new SignInTokens(opts.web?.signInTtlMs ?? SIGN_IN_TTL_MS);
  if (opts.web) {
    registerWebUi(app, opts.web.root);
    // a caller that has spent its failure budget is refused before its body is even read
    const signInThrottle: onRequestHookHandler = (req, reply, done) => {
      const refusal = access.throttled(req.ip);
      if (refusal) {
        sendError(reply, refusal);
        return;
      }
      done();
    };
    app.post(SIGN_IN_EXCHANGE_PATH, { onRequest: signInThrottle }, async (req, reply) => {
      reply.header('cache-control', 'no-store');
      const body = req.body as { token?: unknown } | undefined;
      const keys = body && typeof body === 'object' ? Object.keys(body) : [];
      const token = body?.token;
      if (typeof token !== 'string' || token.length < 16 || token.length > 200 || keys.some((k) => k !== 'token')) {
        return sendError(reply, new TernError('BAD_REQUEST', 'expected {"token": "<the token of a sign-in link>"}', { field: 'token' }));
      }
      if (!signIn.redeem(token)) {
        return sendError(reply, access.failed(req.ip, 'this sign-in link is invalid, already used or expired'));
      }
      const stamp = new Date().toISOString().slice(0, 19).replace('T', ' ');
      // a session key, not a permanent one: it expires, and signing out revokes it
      const created = await engine.call('keys.create', { name: `web session ${stamp}`, scopes: ['admin'], expires_in_s: WEB_SESSION_TTL_S }, { actor: 'sign-in-link' });
      req.log.info({ key_id: created.id, expires_at: created.expires_at }, 'web session signed in with a one-time link');
      return reply.code(201).send(created);
    });
  }

  let baseUrl: string | null = null;
  return {
    app,
    async listen() {
      await app.listen({ host, port: opts.port ?? DEFAULT_PORT });
      const port = (app.server.address() as AddressInfo).port;
      guard.setPort(port);
      const urlHost = host === '::1' ? '[::1]' : host;
      baseUrl = `http://${urlHost}:${port}`;
      return { url: baseUrl, port };
    },
    createSignInLink() {
      if (!opts.web) throw new TernError('CONFLICT', 'the web UI is not served, so there is nothing to sign in to');
      if (baseUrl === null) throw new TernError('CONFLICT', 'the server is not listening yet');
      const { token, expiresAt } = signIn.mint();
      return { url: `${baseUrl}/#signin=${token}`, expiresAt };
    },
    close() {
      drain.begin(opts.drainMs ?? DEFAULT_DRAIN_MS, () => {
        // the 503s have this long to go out; then whatever is left (a client that never reads) is cut
        setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      });
      // listening until the calls in flight are answered: a closed listener resets connections not yet read
      closing ??= drain.settled().then(() => app.close()).finally(() => drain.finish());
      return closing;
    },
  };
}
