import { useEffect, useMemo, useRef, useState } from 'react';
import { BridgeClient } from '../client/bridge-client.js';
import { CallError, describeError } from '../client/call-error.js';
import { clearSession, exchangeSignInToken, loadSession, saveSession, signInTokenFrom, type WebSession } from '../client/session.js';
import type { TernClient } from '../client/types.js';
import { WsClient, wsUrlFor } from '../client/ws-client.js';
import { SignIn } from '../features/signin/SignIn.js';
import { Terminal } from './Terminal.js';

/** Desktop: the preload's bridge, always signed in. Browser: a session key, or the sign-in screen. */
export function Root() {
  const bridge = typeof window !== 'undefined' ? window.tern : undefined;
  const desktop = useMemo(() => (bridge ? new BridgeClient(bridge) : null), [bridge]);
  if (desktop) return <Terminal client={desktop} onSignOut={null} />;
  return <WebRoot />;
}

type WebState = { kind: 'signed-out'; message?: string } | { kind: 'exchanging' } | { kind: 'signed-in'; session: WebSession };

function initialWebState(): WebState {
  if (signInTokenFrom(window.location.hash)) return { kind: 'exchanging' };
  const session = loadSession(window.sessionStorage);
  return session ? { kind: 'signed-in', session } : { kind: 'signed-out' };
}

function WebRoot() {
  const [state, setState] = useState<WebState>(initialWebState);
  const [token, setToken] = useState(() => signInTokenFrom(window.location.hash));
  const exchanged = useRef(new Set<string>());

  // A link pasted into a tab already open on this page changes only the fragment: the page is not loaded again
  useEffect(() => {
    const onHash = () => {
      const next = signInTokenFrom(window.location.hash);
      if (!next) return;
      setState({ kind: 'exchanging' });
      setToken(next);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // A one-time sign-in link: take the token out of the address bar at once, then trade it for a key (once, StrictMode or not).
  useEffect(() => {
    if (!token || exchanged.current.has(token)) return;
    exchanged.current.add(token);
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    exchangeSignInToken(token).then(
      (key) => {
        const session = { key, minted: true };
        saveSession(window.sessionStorage, session);
        setState({ kind: 'signed-in', session });
      },
      (err: unknown) => {
        const expired = err instanceof CallError && err.code === 'UNAUTHORIZED';
        setState({ kind: 'signed-out', message: expired ? 'That sign-in link was already used or has expired. Sign in with an API key, or restart `npm run serve` for a new link.' : describeError(err) });
      },
    );
  }, [token]);

  if (state.kind === 'exchanging') return <SignIn busy message="Signing in with the one-time link…" onSubmit={() => {}} />;
  if (state.kind === 'signed-out') {
    return (
      <SignIn
        message={state.message}
        onSubmit={(key) => {
          const session = { key, minted: false };
          saveSession(window.sessionStorage, session);
          setState({ kind: 'signed-in', session });
        }}
      />
    );
  }
  return (
    <WebTerminal
      key={state.session.key}
      session={state.session}
      onSignedOut={(message) => {
        clearSession(window.sessionStorage);
        setState({ kind: 'signed-out', message });
      }}
    />
  );
}

function WebTerminal({ session, onSignedOut }: { session: WebSession; onSignedOut: (message?: string) => void }) {
  const [client, setClient] = useState<TernClient | null>(null);
  const signedOut = useRef(onSignedOut);
  signedOut.current = onSignedOut;

  useEffect(() => {
    const c = new WsClient({ url: wsUrlFor(window.location), key: session.key });
    setClient(c);
    const off = c.onStatus((s) => {
      if (s.phase === 'unauthorized') signedOut.current(`The engine refused this key: ${s.detail ?? 'unknown or revoked'}.`);
    });
    return () => {
      off();
      c.close();
    };
  }, [session.key]);

  if (!client) return null;
  const signOut = async () => {
    // a key minted by a sign-in link belongs to this tab alone: revoke it on the way out
    if (session.minted && client.keyId) await client.call('keys.delete', { id: client.keyId }).catch(() => undefined);
    client.close();
    signedOut.current('Signed out.');
  };
  return <Terminal client={client} onSignOut={signOut} />;
}
