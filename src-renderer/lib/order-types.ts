import type { OrderType } from '../../src-common/contract/constants/orders.js';

/** each order type's name on screen (the ticket's, a notice's): a type added to the contract without one does not compile */
export const ORDER_TYPE_NAME: Record<OrderType, string> = {
  market: 'Market',
  limit: 'Limit',
  stop_market: 'Stop market',
  stop_limit: 'Stop limit',
  take_profit_market: 'Take profit',
  take_profit_limit: 'Take profit limit',
  trailing_stop: 'Trailing stop',
};

/** the same in a blotter's narrow Type column, as the chart's labels shorten them (TP, TP LMT); the full name is its tooltip */
export const ORDER_TYPE_SHORT: Record<OrderType, string> = {
  market: 'Market',
  limit: 'Limit',
  stop_market: 'Stop',
  stop_limit: 'Stop LMT',
  take_profit_market: 'TP',
  take_profit_limit: 'TP LMT',
  trailing_stop: 'Trailing',
};
