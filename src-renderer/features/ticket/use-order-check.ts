import { useEffect, useState } from 'react';
import type { OrderCheck, PlaceOcoParams, PlaceOrderParams } from '../../../src-common/contract/methods.js';
import { useClient } from '../../client/context.js';
import { useRisk } from '../../state/risk.js';

/** how long the ticket waits after the last keystroke before asking the engine */
export const CHECK_DELAY_MS = 200;

/**
 * The engine's own verdict on what the ticket would send (orders.check): who
 * would hold its protective part and what would refuse it now. Asked again
 * when the order or the risk settings change; null until answered, and for a
 * ticket that is not complete. A failed check shows nothing: sending still
 * gets the engine's answer.
 */
export function useOrderCheck(params: PlaceOrderParams | null, oco: PlaceOcoParams | null): OrderCheck | null {
  const client = useClient();
  const risk = useRisk((s) => s.risk);
  const [answer, setAnswer] = useState<{ key: string; result: OrderCheck } | null>(null);
  const key = params ? JSON.stringify({ order: params }) : oco ? JSON.stringify({ oco }) : '';

  useEffect(() => {
    if (!key) return;
    let live = true;
    const timer = setTimeout(() => {
      client.call('orders.check', JSON.parse(key)).then(
        (result) => {
          if (live) setAnswer({ key, result });
        },
        () => {
          if (live) setAnswer(null);
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // the risk snapshot changes with the state and the limits: the verdict may too
  }, [client, key, risk]);

  return answer && answer.key === key ? answer.result : null;
}
