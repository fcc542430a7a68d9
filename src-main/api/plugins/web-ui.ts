import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { EngineApi } from '../../../src-common/contract/engine-api.js';
import { TernError } from '../../../src-common/contract/errors.js';
import type { AccessControl } from '../access.js';
import { sendError } from '../replies.js';
import type { SignInTokens } from '../sign-in.js';
import { registerWebUi } from '../web-ui.js';

/** trades a sign-in link's token for a fresh session key (web UI only) */
export const SIGN_IN_EXCHANGE_PATH = '/api/v1/session/exchange';

/** how long the key a sign-in link mints works (README, docs/api.md); signing out revokes it sooner */
export const WEB_SESSION_TTL_S = 12 * 3600;

/** Web mode: the renderer's files at `/` and the one-time sign-in exchange. */
export async function webUiPlugin(app: FastifyInstance, opts: { root: string; engine: EngineApi; access: AccessControl; signIn: SignInTokens }): Promise<void> {
  const { engine, access, signIn } = opts;
  registerWebUi(app, opts.root);
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
