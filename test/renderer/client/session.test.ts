// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { CallError, asCallError, describeError } from '../../../src-renderer/client/call-error.js';
import { clearSession, exchangeSignInToken, loadSession, saveSession, signInTokenFrom } from '../../../src-renderer/client/session.js';

describe('web session', () => {
  it('reads the one-time token of a sign-in link from the fragment only', () => {
    const token = 'A'.repeat(43);
    expect(signInTokenFrom(`#signin=${token}`)).toBe(token);
    expect(signInTokenFrom('#signin=short')).toBeNull();
    expect(signInTokenFrom(`#other=${token}`)).toBeNull();
    expect(signInTokenFrom('')).toBeNull();
  });

  it('keeps the key in the given storage, and forgets it', () => {
    saveSession(sessionStorage, { key: 'tern_x', minted: true });
    expect(loadSession(sessionStorage)).toEqual({ key: 'tern_x', minted: true });
    clearSession(sessionStorage);
    expect(loadSession(sessionStorage)).toBeNull();
    sessionStorage.setItem('tern.session', '{not json');
    expect(loadSession(sessionStorage)).toBeNull();
  });

  it('trades a token for a key with one POST', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const fetchOk = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(JSON.stringify({ id: 'K-9', key: 'tern_new' }), { status: 201 });
    }) as typeof fetch;
    await expect(exchangeSignInToken('T'.repeat(43), fetchOk)).resolves.toBe('tern_new');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/api/v1/session/exchange');
    expect(JSON.parse(String(seen[0]!.init.body))).toEqual({ token: 'T'.repeat(43) });
  });

  it('reports a used or expired link as UNAUTHORIZED', async () => {
    const fetch401 = (async () => new Response(JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'used' } }), { status: 401 })) as unknown as typeof fetch;
    await expect(exchangeSignInToken('T'.repeat(43), fetch401)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const offline = (async () => {
      throw new TypeError('network');
    }) as unknown as typeof fetch;
    await expect(exchangeSignInToken('T'.repeat(43), offline)).rejects.toMatchObject({ code: 'DISCONNECTED' });
  });
});

describe('call errors', () => {
  it('keep the protocol code and details of a refusal', () => {
    const e = asCallError({ code: 'RISK_REJECTED', message: 'max_order_notional exceeded', details: { rule: 'max_order_notional' } });
    expect(e).toBeInstanceOf(CallError);
    expect(e.details).toEqual({ rule: 'max_order_notional' });
    expect(describeError(e)).toBe('Refused by risk: max_order_notional exceeded');
  });

  it('never show the text of an unknown throwable (it may be a stack trace)', () => {
    const e = asCallError(new Error('at Object.<anonymous> (/srv/engine.ts:12:5)'));
    expect(e.code).toBe('INTERNAL');
    expect(describeError(e)).not.toContain('engine.ts');
  });
});
