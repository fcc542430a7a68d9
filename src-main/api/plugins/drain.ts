import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Drain, stoppingRefusal } from '../drain.js';
import { sendError } from '../replies.js';

/** Stopping, app-wide: nothing new starts; every answer closes its connection so the server can finish. */
export const drainPlugin = fp(
  async (app: FastifyInstance, opts: { drain: Drain }) => {
    const { drain } = opts;
    app.addHook('onRequest', (_req, reply, done) => {
      if (!drain.active) return done();
      reply.header('connection', 'close');
      sendError(reply, stoppingRefusal());
    });
    app.addHook('onSend', (_req, reply, _payload, done) => {
      if (drain.active) reply.header('connection', 'close');
      done();
    });
  },
  { name: 'tern-drain' },
);
