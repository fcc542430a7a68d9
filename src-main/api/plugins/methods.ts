import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../../src-common/contract/engine-api.js';
import { METHODS, resultOf, type AnswerOf, type MethodName, type MethodSpec } from '../../../src-common/contract/methods.js';
import { buildOpenApiDocument } from '../openapi.js';
import { requestParams } from '../request-params.js';

/**
 * The engine's answer to one call of a method by a caller (what REST and
 * WebSocket share); `onNotDurable` hears when what it changed is held in memory only.
 */
export type Answer = <M extends MethodName>(method: M, params: unknown, principal: Principal | null, onNotDurable?: (why: string) => void) => Promise<AnswerOf<M>>;

/**
 * The REST routes of METHODS (params → engine → result; the status from the
 * method's spec, or from the engine's answer where the spec has an outcome),
 * and the OpenAPI document drawn from the same table.
 */
export async function methodRoutesPlugin(app: FastifyInstance, opts: { answer: Answer; version: string }): Promise<void> {
  for (const name of Object.keys(METHODS) as MethodName[]) {
    const spec = METHODS[name] as MethodSpec<never, never, unknown>;
    if (!spec.http) continue;
    const { method, path, status = 200 } = spec.http;
    app.route({
      method,
      url: path,
      // the key is authenticated (401) and charged (429) here; whether it has the scope is the engine's decision (403)
      ...(spec.scope === 'none' ? {} : { onRequest: app.requireScope('none') }),
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const params = requestParams(method, req.query, req.body, req.params);
        // a cancel or the kill switch done while the store cannot be written: said in a header (the body keeps API.md's shape)
        const answer = await opts.answer(name, params, req.principal, (why) => reply.header('x-tern-not-durable', why.replace(/[^\x20-\x7e]/g, '?')));
        reply.code(spec.outcome ? spec.outcome.status(answer) : status);
        return resultOf(name, answer) ?? null;
      },
    });
  }

  let openApiText: string | undefined;
  app.get('/api/v1/openapi.json', (_req, reply) => {
    openApiText ??= JSON.stringify(buildOpenApiDocument(opts.version));
    return reply.type('application/json; charset=utf-8').send(openApiText);
  });
}
