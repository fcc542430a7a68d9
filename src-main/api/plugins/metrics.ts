import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiMetrics } from '../metrics.js';

/** Every answer is counted (app-wide, 404s and refusals included); GET /metrics shows them with the engine's gauges. */
export const metricsPlugin = fp(
  async (app: FastifyInstance, opts: { metrics: ApiMetrics }) => {
    const { metrics } = opts;
    app.addHook('onResponse', (req, reply, done) => {
      metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { onRequest: app.requireScope('read') }, async (_req, reply) => {
      const text = await metrics.render();
      return reply.type(metrics.contentType).send(text);
    });
  },
  { name: 'tern-metrics', dependencies: ['tern-auth'] },
);
