import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { TernError } from '../../../src-common/contract/errors.js';
import type { MethodSpec } from '../../../src-common/contract/methods.js';
import { sendError } from '../replies.js';

export type HttpRoute = Pick<NonNullable<MethodSpec['http']>, 'method' | 'path'>;

/** An unknown route is 404, app-wide; a known path asked with another method is 405 naming the allowed ones. */
export const notFoundPlugin = fp(
  async (app: FastifyInstance, opts: { routes: HttpRoute[] }) => {
    const matchers = opts.routes.map((r) => ({ method: r.method, regex: new RegExp(`^${r.path.replace(/[.+?*()[\]{}|^$\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+')}$`) }));
    app.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?', 1)[0] ?? '';
      const allowed = [...new Set(matchers.filter((m) => m.regex.test(path)).map((m) => m.method))];
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return reply.code(405).send({ error: { code: 'NOT_FOUND', message: `${req.method} is not a method of ${path}; allowed: ${allowed.join(', ')}`, details: { allowed } } });
      }
      return sendError(reply, new TernError('NOT_FOUND', `no route ${req.method} ${path}`, { path }));
    });
  },
  { name: 'tern-not-found' },
);
