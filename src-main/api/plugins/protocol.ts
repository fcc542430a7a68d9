import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { TernError } from '../../../src-common/contract/errors.js';
import { duplicateKey } from '../json-duplicates.js';

/**
 * What every body and answer is, app-wide: bodies are JSON only (no
 * duplicate keys), answers are never cached nor content-sniffed.
 */
export const protocolPlugin = fp(
  async (app: FastifyInstance, opts: { bodyLimit: number }) => {
    // JSON only: a text/plain body is 415 like any other type, not a string the routes must refuse.
    app.removeContentTypeParser('text/plain');
    // An empty JSON body is no params (routes whose params are all optional); the rest is fastify's safe parser,
    // then a refusal of duplicate keys (JSON.parse would keep the last one silently).
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: opts.bodyLimit }, (req, body, done) => {
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
  },
  { name: 'tern-protocol' },
);
