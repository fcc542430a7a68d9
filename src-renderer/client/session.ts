import { CallError, asCallError } from './call-error.js';

/**
 * The web session: the API key this tab signed in with. It lives in
 * sessionStorage only (gone when the tab closes, never shared with other tabs
 * or written to disk by the page).
 */
export interface WebSession {
  key: string;
  /** minted by a one-time sign-in link: revoked on sign-out */
  minted: boolean;
}

const STORAGE_KEY = 'tern.session';
export const SIGN_IN_PATH = '/api/v1/session/exchange';

export function loadSession(storage: Storage): WebSession | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<WebSession>;
    if (typeof parsed.key !== 'string' || parsed.key.length === 0) return null;
    return { key: parsed.key, minted: parsed.minted === true };
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, session: WebSession): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}

/** The one-time token of a sign-in link (`#signin=TOKEN`), or null. */
export function signInTokenFrom(hash: string): string | null {
  const m = /^#?signin=([A-Za-z0-9_-]{16,200})$/.exec(hash);
  return m ? m[1]! : null;
}

/**
 * Trades a sign-in link's one-time token for a fresh session key. The token is
 * in the URL fragment, which the browser never sends to the server or logs; the
 * page posts it once, and the server forgets it.
 */
export async function exchangeSignInToken(token: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  let res: Response;
  try {
    res = await fetchImpl(SIGN_IN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new CallError('DISCONNECTED', 'cannot reach the Tern server');
  }
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const error = (body as { error?: unknown } | null)?.error;
    throw error ? asCallError(error) : new CallError('INTERNAL', `sign-in failed (HTTP ${res.status})`);
  }
  const key = (body as { key?: unknown } | null)?.key;
  if (typeof key !== 'string' || key.length === 0) throw new CallError('INTERNAL', 'the server answered without a key');
  return key;
}
