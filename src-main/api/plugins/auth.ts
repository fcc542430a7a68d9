import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Principal } from '../../../src-common/contract/engine-api.js';
import type { AccessControl, Admission, RequiredScope } from '../access.js';
import { errorResponse } from '../error-response.js';
import { sendError, setRateHeaders } from '../replies.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** the caller, set by the route's auth hook */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /**
     * A route's onRequest hook: auth (with the per-address failure throttle) →
     * rate → scope. `deferredWhenNoHeader`: a request without Authorization
     * passes with no principal (a WebSocket authenticates in its first message).
     */
    requireScope(scope: RequiredScope, deferredWhenNoHeader?: boolean): onRequestHookHandler;
  }
}

/** Who is calling, app-wide: routes opt in with `app.requireScope(scope)` as their onRequest hook. */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { access: AccessControl; bodyLimit: number }) => {
    const { access, bodyLimit } = opts;
    app.decorateRequest('principal', null);
    // a route-level hook, so no per-request route lookup is needed
    app.decorate('requireScope', (scope: RequiredScope, deferredWhenNoHeader = false): onRequestHookHandler => {
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
    });
  },
  { name: 'tern-auth' },
);
