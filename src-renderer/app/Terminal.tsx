import { Suspense, lazy, useEffect, useState } from 'react';
import { ClientContext } from '../client/context.js';
import type { TernClient } from '../client/types.js';
import { Header } from '../features/header/Header.js';
import { KillSwitchDialog } from '../features/header/KillSwitch.js';
import { ShortcutsDialog } from '../features/header/Shortcuts.js';
import { Toasts } from '../features/notifications/Toasts.js';
import { TradeView } from '../features/TradeView.js';
import { useHotkeys } from '../lib/hotkeys.js';
import { startFeed } from '../state/feed.js';
import { VIEWS, type ViewId } from './views.js';
import { useTicket } from '../state/ticket.js';
import { ErrorBoundary } from '../ui/ErrorBoundary.js';
import { Loading } from '../ui/states.js';

const PortfolioView = lazy(() => import('../features/portfolio/PortfolioView.js'));
const RiskView = lazy(() => import('../features/risk/RiskView.js'));
const SettingsView = lazy(() => import('../features/settings/SettingsView.js'));
const BacktestView = lazy(() => import('../features/backtest/BacktestView.js'));
const StrategiesView = lazy(() => import('../features/strategies/StrategiesView.js'));


function focusField(name: string): void {
  const el = document.querySelector<HTMLInputElement>(`[data-ticket-field="${name}"]`);
  el?.focus();
  el?.select?.();
}

/** The terminal: header, the views, toasts; the feed runs for as long as it is mounted. */
export function Terminal({ client, onSignOut }: { client: TernClient; onSignOut: (() => void) | null }) {
  const [view, setView] = useState<ViewId>('trade');
  const [killOpen, setKillOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);

  useEffect(() => {
    const feed = startFeed(client);
    return () => feed.dispose();
  }, [client]);

  const ticket = useTicket.getState;
  useHotkeys({
    'Ctrl+Shift+K': () => setKillOpen(true),
    ...Object.fromEntries(VIEWS.map((v) => [v.key, () => setView(v.id)])),
    '?': () => setHelpOpen(true),
    b: () => {
      setView('trade');
      ticket().set({ side: 'buy' });
      focusField('quantity');
    },
    s: () => {
      setView('trade');
      ticket().set({ side: 'sell' });
      focusField('quantity');
    },
    l: () => ticket().set({ type: 'limit' }),
    m: () => ticket().set({ type: 'market' }),
    q: () => focusField('quantity'),
    p: () => focusField('price'),
  });

  return (
    <ClientContext.Provider value={client}>
      <div className="terminal">
        <Header view={view} onView={setView} onKill={() => setKillOpen(true)} onHelp={() => setHelpOpen(true)} onSignOut={onSignOut} />
        <main className="view" id={`view-${view}`}>
          <ErrorBoundary key={view} what={`${view} view`}>
            {view === 'trade' && <TradeView />}
            <Suspense fallback={<Loading what="view" />}>
              {view === 'portfolio' && <PortfolioView />}
              {view === 'risk' && <RiskView />}
              {view === 'backtest' && <BacktestView />}
              {view === 'strategies' && <StrategiesView />}
              {view === 'settings' && <SettingsView onSignOut={onSignOut} />}
            </Suspense>
          </ErrorBoundary>
        </main>
        <KillSwitchDialog open={killOpen} onClose={() => setKillOpen(false)} />
        <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
        <Toasts />
      </div>
    </ClientContext.Provider>
  );
}
