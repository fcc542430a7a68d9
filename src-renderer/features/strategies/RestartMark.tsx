import { formatDateTime } from '../../lib/format.js';
import type { StrategyInstance } from '../../state/strategies.js';

type Restart = NonNullable<StrategyInstance['restart']>;

const WORDS: Record<Restart['action'], { text: string; tone: string; title: string }> = {
  resumed: { text: 'resumed after restart', tone: 'tone-ok', title: 'It was running when Tern stopped and was resumed with the same parameters when it started' },
  stopped: { text: 'stopped by the restart', tone: 'tone-warn', title: 'It was running when Tern stopped; resuming strategies on start is off (Settings → Strategies, or serve --no-resume), so it was not started again' },
  failed: { text: 'not resumed after restart', tone: 'tone-bad', title: 'It was running when Tern stopped but could not be started again (the reason is below)' },
};

/** what the last start of Tern did to a strategy that was running before it */
export function RestartMark({ restart }: { restart: StrategyInstance['restart'] }) {
  if (!restart) return null;
  const w = WORDS[restart.action];
  return (
    <span className={`pill ${w.tone}`} title={`${w.title} (${formatDateTime(new Date(restart.at).toISOString())})`} data-testid="restart-mark" data-restart={restart.action}>
      {w.text}
    </span>
  );
}

/** the strategies the restart left stopped, named once above the table */
export function StoppedByRestart({ rows }: { rows: readonly StrategyInstance[] }) {
  const stopped = rows.filter((r) => r.restart?.action === 'stopped' && r.status === 'stopped');
  if (stopped.length === 0) return null;
  return (
    <div className="tone-warn small restart-note" role="note" data-testid="stopped-by-restart">
      Stopped by the restart (resuming strategies on start is off): {stopped.map((r) => r.id).join(', ')}. Start them again from the form when you want them to trade.
    </div>
  );
}
