import { useEffect, useState } from 'react';
import type { BridgeError } from '../src-main/contract/bridge.js';
import type { ResultOf } from '../src-main/contract/methods.js';

type Health = ResultOf<'health'>;
type State = { kind: 'loading' } | { kind: 'no-bridge' } | { kind: 'ok'; health: Health } | { kind: 'error'; message: string };

function describe(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    const e = err as BridgeError;
    return `${e.code}: ${e.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Placeholder until the real terminal UI lands: shows the mode and the engine's health. */
export function App() {
  const [state, setState] = useState<State>(() => (window.tern ? { kind: 'loading' } : { kind: 'no-bridge' }));

  useEffect(() => {
    const tern = window.tern;
    if (!tern) return;
    let live = true;
    tern.call('health', {}).then(
      (health) => live && setState({ kind: 'ok', health }),
      (err: unknown) => live && setState({ kind: 'error', message: describe(err) }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <main className="shell">
      <h1>Tern</h1>
      <p className="mode">
        mode <strong>PAPER</strong>
      </p>
      <p className="health" data-state={state.kind}>
        {state.kind === 'loading' && 'engine: connecting…'}
        {state.kind === 'no-bridge' && 'engine: no desktop bridge (open in the Tern app)'}
        {state.kind === 'ok' && `engine: ${state.health.status} · v${state.health.version} · ${state.health.mode} · up ${Math.round(state.health.uptime_ms / 1000)} s`}
        {state.kind === 'error' && `engine: ${state.message}`}
      </p>
    </main>
  );
}
