import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { LoopbackGuard } from '../loopback.js';
import { sendError } from '../replies.js';

/** Before anything else, app-wide (404s and WebSocket upgrades included): DNS rebinding and cross-site requests. */
export const loopbackGuardPlugin = fp(
  async (app: FastifyInstance, opts: { guard: LoopbackGuard }) => {
    app.addHook('onRequest', (req, reply, done) => {
      const refusal = opts.guard.refusal(req.headers.host, req.headers.origin);
      if (refusal) {
        sendError(reply, refusal);
        return;
      }
      done();
    });
  },
  { name: 'tern-loopback-guard' },
);
