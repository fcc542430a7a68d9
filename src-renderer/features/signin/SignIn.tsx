import { type FormEvent, useState } from 'react';

/** The browser's way in: an API key (kept in this tab's session only), or the one-time link `serve` prints. */
export function SignIn({ onSubmit, message, busy = false }: { onSubmit: (key: string) => void; message?: string; busy?: boolean }) {
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    if (k) onSubmit(k);
  };
  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            ◭
          </span>{' '}
          Tern
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">
          Paste an API key of this Tern (<code>TERN_API_KEY</code>, the one <code>npm run serve -- --new-key</code> printed, or one made under Settings), or
          open the one-time sign-in link <code>serve</code> printed: it signs this tab in for 12 hours, until you sign out.
        </p>
        {message && (
          <p className="signin-message" role="alert">
            {message}
          </p>
        )}
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            name="api-key"
            autoComplete="off"
            spellCheck={false}
            autoFocus
            value={key}
            disabled={busy}
            onChange={(e) => setKey(e.target.value)}
            placeholder="tern_…"
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">The key stays in this tab only and is forgotten when the tab closes.</p>
      </form>
    </main>
  );
}
