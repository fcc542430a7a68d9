import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { EngineApi, Principal } from '../../src-common/contract/engine-api.js';
import { TernError, type ErrorBody } from '../../src-common/contract/errors.js';
import { METHODS, resultOf, type MethodName, type MethodSpec } from '../../src-common/contract/methods.js';
import { AccessControl } from './access.js';
import { AuthFailures, DEFAULT_AUTH_FAILURE_LIMIT } from './auth-failures.js';
import { DEFAULT_DRAIN_MS, Drain } from './drain.js';
import { errorHeaders, errorResponse } from './error-response.js';
import { LogThrottle } from './log-throttle.js';
import { LoopbackGuard, assertLoopbackHost } from './loopback.js';
import { ApiMetrics } from './metrics.js';
import { authPlugin } from './plugins/auth.js';
import { BinanceStreams, type BinanceStreamsOptions } from './binance/ws-gateway.js';
import { binanceGatewayPlugin, type PublicRead } from './plugins/binance.js';
import { drainPlugin } from './plugins/drain.js';
import { loopbackGuardPlugin } from './plugins/loopback-guard.js';
import { methodRoutesPlugin, type Answer } from './plugins/methods.js';
import { metricsPlugin } from './plugins/metrics.js';
import { notFoundPlugin, type HttpRoute } from './plugins/not-found.js';
import { protocolPlugin } from './plugins/protocol.js';
import { SIGN_IN_EXCHANGE_PATH, webUiPlugin } from './plugins/web-ui.js';
import { webSocketPlugin } from './plugins/websocket.js';
import { DEFAULT_RATE_LIMIT, TokenBuckets, type RateLimitOptions } from './rate-limit.js';
import { sendError } from './replies.js';
import { SignInTokens, SIGN_IN_TTL_MS } from './sign-in.js';
import { DEFAULT_WS_OPTIONS, type WsHubOptions } from './ws-hub.js';

export { assertLoopbackHost } from './loopback.js';
export { SIGN_IN_EXCHANGE_PATH, WEB_SESSION_TTL_S } from './plugins/web-ui.js';

/** A pino-compatible logger (fastify's loggerInstance). */
export type ApiLogger = FastifyBaseLogger;

export interface ApiServerOptions {
  engine: EngineApi;
  /** a loopback name only; default 127.0.0.1 */
  host?: string;
  /** default 7878; 0 picks a free port */
  port?: number;
  /** for the OpenAPI document (/health answers the engine's own) */
  version: string;
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
  /** the Binance gateway's WebSockets: clock, listen key lifetime, sweep and ticker intervals (tests) */
  binanceStreams?: Pick<BinanceStreamsOptions, 'now' | 'listenKeyTtlMs' | 'sweepMs' | 'tickerMs'>;
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

export const DEFAULT_PORT = 7878;
/** after the drain, how long its answers have to reach their clients before connections are cut */
const CLOSE_GRACE_MS = 1_000;
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Routes served besides METHODS, for 404 vs 405 answers. */
const EXTRA_ROUTES: HttpRoute[] = [
  { method: 'GET', path: '/api/v1/openapi.json' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/api/v1/ws' },
];

/**
 * The local REST + WebSocket API: a thin transport over EngineApi whose routes
 * come from METHODS, built of plugins. App-wide (fastify-plugin), in this
 * order: stopping (drain), the loopback guard, what bodies and answers are,
 * auth (`app.requireScope`), metrics, WebSocket; encapsulated: the method
 * routes and the web UI. Per request: drain → guard → the route's auth/rate/
 * scope hook → params → engine.
 */
export function createApiServer(opts: ApiServerOptions): ApiServer {
  const { engine } = opts;
  const host = assertLoopbackHost(opts.host ?? '127.0.0.1');
  const bodyLimit = opts.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const guard = new LoopbackGuard(opts.port ?? DEFAULT_PORT);
  const access = new AccessControl(engine, new TokenBuckets(opts.rateLimit ?? DEFAULT_RATE_LIMIT), new AuthFailures(opts.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT));
  const metrics = new ApiMetrics(engine);
  const drain = new Drain();
  const signIn = new SignInTokens(opts.web?.signInTtlMs ?? SIGN_IN_TTL_MS);
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

  app.setErrorHandler((err, req, reply) => {
    const { status, body, unexpected } = errorResponse(err, bodyLimit);
    if (unexpected) req.log.error({ err, method: req.method, url: req.url }, 'request failed');
    return reply.code(status).headers(errorHeaders(body)).send(body);
  });

  /** one call of a method for a caller; calls in flight hold close() until they are answered */
  const answer: Answer = (method, params, principal, onNotDurable) =>
    drain.bound(engine.answer(method, params, { actor: principal?.id ?? 'anonymous', keyId: principal?.id ?? null, ...(onNotDurable ? { onNotDurable } : {}) }));

  const routes: HttpRoute[] = [...EXTRA_ROUTES];
  if (opts.web) routes.push({ method: 'POST', path: SIGN_IN_EXCHANGE_PATH });
  for (const spec of Object.values(METHODS) as MethodSpec[]) if (spec.http) routes.push(spec.http);

  app.register(drainPlugin, { drain });
  app.register(loopbackGuardPlugin, { guard });
  app.register(protocolPlugin, { bodyLimit });
  app.register(notFoundPlugin, { routes });
  app.register(authPlugin, { access, bodyLimit });
  app.register(metricsPlugin, { metrics });
  app.register(webSocketPlugin, {
    engine,
    access,
    call: (m: MethodName, p: unknown, who: Principal | null) => answer(m, p, who).then((a) => resultOf(m, a)),
    ws: { ...DEFAULT_WS_OPTIONS, ...opts.ws },
    bodyLimit,
    metrics,
  });
  app.register(methodRoutesPlugin, { answer, version: opts.version });
  // Binance's spot REST and WebSockets for existing bots: the same engine calls with the key's context (issue 14)
  const publicRead: PublicRead = (method, params) => drain.bound(engine.call(method, params, { actor: 'binance-public' }));
  const binanceStreams = new BinanceStreams({
    engine,
    access,
    call: (m, p, who) => answer(m, p, who).then((a) => resultOf(m, a)),
    publicRead,
    ws: { ...DEFAULT_WS_OPTIONS, ...opts.ws },
    log: new LogThrottle(app.log),
    ...opts.binanceStreams,
  });
  app.addHook('preClose', (done) => {
    binanceStreams.stop();
    done();
  });
  app.register(binanceGatewayPlugin, { prefix: '/binance', answer, access, publicRead, streams: binanceStreams, subscribe: (l) => engine.subscribe(l) });
  if (opts.web) app.register(webUiPlugin, { root: opts.web.root, engine, access, signIn });

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
