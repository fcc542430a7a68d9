import type { Accounts } from './accounts.js';
import type { Engine } from './engine.js';
import type { Faults, RequestLog } from './faults.js';
import type { Market } from './markets.js';

/** What the REST, websocket and control layers share. */
export interface SimContext {
  engine: Engine;
  accounts: Accounts;
  markets: Market[];
  /** The sim's clock (wall clock plus the offset set through the control API). */
  now(): number;
  /** listenKey → API key, for the listenKey user-data stream. */
  listenKeys: Map<string, string>;
  faults: Faults;
  log: RequestLog;
}
