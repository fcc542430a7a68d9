import type { OrderStatus } from '../../../src-common/contract/constants/orders.js';

/**
 * The order life cycle, as data. An order changes only by applying an event;
 * a (state, event) pair that is not in this table is refused.
 * Modelled on NautilusTrader's _ORDER_STATE_TABLE.
 */
export const ORDER_STATES = [
  'initialized',
  'submitted',
  'accepted',
  'triggered',
  'pending_update',
  'pending_cancel',
  'partially_filled',
  'filled',
  'canceled',
  'rejected',
  'expired',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_EVENTS = [
  'submit', // handed to the venue
  'accept', // venue acknowledged it
  'reject', // venue or pre-trade check refused it
  'trigger', // stop price reached; the order now works as market/limit
  'request_update',
  'update', // venue applied an amendment
  'update_rejected',
  'request_cancel',
  'cancel_rejected',
  'cancel',
  'expire',
  'partial_fill',
  'fill', // the last fill: nothing remains
] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** Where a pending_* state returns to when the venue refuses the request. */
export const RESTORE = 'restore' as const;

type Table = Partial<Record<OrderState, Partial<Record<OrderEvent, OrderState | typeof RESTORE>>>>;

const WORKING_EXITS = {
  cancel: 'canceled',
  expire: 'expired',
  partial_fill: 'partially_filled',
  fill: 'filled',
  request_cancel: 'pending_cancel',
  request_update: 'pending_update',
} as const satisfies Partial<Record<OrderEvent, OrderState>>;

export const ORDER_STATE_TABLE: Table = {
  initialized: { submit: 'submitted', reject: 'rejected', cancel: 'canceled', expire: 'expired' },
  // A venue may report a fill before its ack (fast markets, websocket races).
  submitted: {
    accept: 'accepted',
    reject: 'rejected',
    cancel: 'canceled',
    expire: 'expired',
    partial_fill: 'partially_filled',
    fill: 'filled',
    request_cancel: 'pending_cancel',
  },
  accepted: { ...WORKING_EXITS, trigger: 'triggered', reject: 'rejected' },
  triggered: { ...WORKING_EXITS, reject: 'rejected' },
  partially_filled: { ...WORKING_EXITS },
  pending_update: {
    update: RESTORE,
    update_rejected: RESTORE,
    accept: RESTORE,
    cancel: 'canceled',
    expire: 'expired',
    partial_fill: 'partially_filled',
    fill: 'filled',
    trigger: 'triggered',
    request_cancel: 'pending_cancel',
  },
  pending_cancel: {
    cancel_rejected: RESTORE,
    cancel: 'canceled',
    expire: 'expired',
    partial_fill: 'pending_cancel',
    fill: 'filled',
    // An update that crossed a cancel on the wire: still waiting for the cancel.
    update: 'pending_cancel',
    update_rejected: 'pending_cancel',
  },
  filled: {},
  canceled: {},
  rejected: {},
  expired: {},
};

export const TERMINAL_STATES: ReadonlySet<OrderState> = new Set(['filled', 'canceled', 'rejected', 'expired']);

export function isTerminal(state: OrderState): boolean {
  return TERMINAL_STATES.has(state);
}

export class IllegalTransition extends Error {
  constructor(
    readonly state: OrderState,
    readonly event: OrderEvent,
  ) {
    super(`illegal order transition: ${event} in state ${state}`);
  }
}

/**
 * The next state for `event` in `state`. `previous` is the state before a
 * pending_update/pending_cancel was entered, where a refused request returns.
 */
export function nextOrderState(state: OrderState, event: OrderEvent, previous: OrderState | undefined): OrderState {
  const next = ORDER_STATE_TABLE[state]?.[event];
  if (next === undefined) throw new IllegalTransition(state, event);
  if (next === RESTORE) return previous ?? 'accepted';
  return next;
}

export function canApply(state: OrderState, event: OrderEvent): boolean {
  return ORDER_STATE_TABLE[state]?.[event] !== undefined;
}

/** The status a trader and a bot see (API.md; contract/constants/orders.ts), from the internal state. */
export type { OrderStatus };

export function publicStatus(state: OrderState, filledIsPositive: boolean): OrderStatus {
  switch (state) {
    case 'initialized':
    case 'submitted':
      return 'pending';
    case 'accepted':
    case 'triggered':
    case 'pending_update':
    case 'pending_cancel':
      return filledIsPositive ? 'partially_filled' : 'open';
    default:
      return state;
  }
}
