import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { EngineApi, Principal } from '../../../src-common/contract/engine-api.js';
import { TernError } from '../../../src-common/contract/errors.js';
import type { MethodName } from '../../../src-common/contract/methods.js';
import type { AccessControl } from '../access.js';
import { LogThrottle } from '../log-throttle.js';
import type { ApiMetrics } from '../metrics.js';
import { sendError } from '../replies.js';
import { WsHub, logSocketError, type WsHubOptions } from '../ws-hub.js';

export interface WebSocketPluginOptions {
  engine: EngineApi;
  access: AccessControl;
  /** one call of a method for a caller, as REST makes it */
  call: (method: MethodName, params: unknown, principal: Principal | null) => Promise<unknown>;
  ws: WsHubOptions;
  bodyLimit: number;
  metrics: ApiMetrics;
}

/**
 * GET /api/v1/ws. App-wide (fastify-plugin) because upgrades are seen before
 * routing, a refused upgrade anywhere must have its socket closed, and the
 * sockets close with the server.
 */
export const webSocketPlugin = fp(
  async (app: FastifyInstance, opts: WebSocketPluginOptions) => {
    // what clients do on their sockets is logged one short line at a time, never a stack per frame
    const wsLog = new LogThrottle(app.log);
    const hub = new WsHub(opts.engine, opts.access, opts.call, opts.ws, wsLog, (n) => opts.metrics.wsConnections.set(n));
    // before @fastify/websocket's own preClose (which would close the sockets without a word): 1001 with a reason
    app.addHook('preClose', (done) => {
      hub.shutdown();
      done();
    });
    await app.register(fastifyWebsocket, {
      options: { maxPayload: opts.bodyLimit },
      errorHandler: (err, socket) => {
        logSocketError(wsLog, err);
        socket.terminate();
      },
    });
    app.addHook('onResponse', (req, _reply, done) => {
      // A refused WebSocket upgrade answered over HTTP: the socket belongs to no HTTP
      // connection any more, so nothing else would ever close it.
      if (req.headers.upgrade !== undefined) req.raw.socket?.destroy();
      done();
    });
    app.route({
      method: 'GET',
      url: '/api/v1/ws',
      // a browser cannot set headers: without one, the first message must be {"op": "auth"}
      onRequest: app.requireScope('read', true),
      // connection limits answer the upgrade in HTTP (429 naming the limit) rather than open-then-close
      preHandler: (req, reply, done) => {
        const refused = req.headers.upgrade === undefined ? null : hub.refusal(req.principal);
        if (refused) {
          sendError(reply, refused);
          return;
        }
        done();
      },
      handler: (_req, reply) => sendError(reply, new TernError('BAD_REQUEST', 'this route takes a WebSocket upgrade')),
      wsHandler: (socket, req) => hub.accept(socket, req.principal, req.ip),
    });
  },
  { name: 'tern-websocket', dependencies: ['tern-auth'] },
);
