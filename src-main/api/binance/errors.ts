/**
 * Binance's error wire format: HTTP status plus `{"code": -NNNN, "msg": "..."}`.
 * The codes and messages are Binance's own, because ccxt maps them (by code and by
 * exact message) to its error classes. Shared by Tern's Binance gateway and the
 * loopback exchange simulator (tools/exchange-sim), so both speak the same errors.
 */
export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(msg);
    this.name = 'BinanceError';
  }

  body(): Record<string, unknown> {
    return { code: this.code, msg: this.msg, ...this.extra };
  }
}

export const binanceErrors = {
  unknown: (msg = 'An unknown error occured while processing the request.') => new BinanceError(500, -1000, msg),
  unavailable: (msg = 'Internal error; unable to process your request. Please try again.') => new BinanceError(503, -1001, msg),
  tooManyRequests: () =>
    new BinanceError(429, -1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.'),
  banned: (untilMs: number) =>
    new BinanceError(418, -1003, `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.`),
  timestampAhead: () => new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  timestampOutside: () => new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSignature: () => new BinanceError(400, -1022, 'Signature for this request is not valid.'),
  mandatory: (name: string) => new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  eitherParam: (a: string, b: string) => new BinanceError(400, -1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  notRead: (name: string) => new BinanceError(400, -1104, `Not all sent parameters were read; parameter '${name}' is not supported.`),
  illegalChars: (name: string) => new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`),
  notRequired: (name: string) => new BinanceError(400, -1106, `Parameter '${name}' sent when not required.`),
  invalidTif: () => new BinanceError(400, -1115, 'Invalid timeInForce.'),
  invalidType: () => new BinanceError(400, -1116, 'Invalid orderType.'),
  invalidSide: () => new BinanceError(400, -1117, 'Invalid side.'),
  invalidInterval: () => new BinanceError(400, -1120, 'Invalid interval.'),
  invalidSymbol: () => new BinanceError(400, -1121, 'Invalid symbol.'),
  invalidListenKey: () => new BinanceError(400, -1125, 'This listenKey does not exist.'),
  invalidParam: (name: string) => new BinanceError(400, -1130, `Data sent for parameter '${name}' is not valid.`),
  filter: (name: string) => new BinanceError(400, -1013, `Filter failure: ${name}`),
  insufficientBalance: () => new BinanceError(400, -2010, 'Account has insufficient balance for requested action.'),
  rejected: (reason: string) => new BinanceError(400, -2010, reason),
  duplicateOrder: () => new BinanceError(400, -2010, 'Duplicate order sent.'),
  wouldTake: () => new BinanceError(400, -2010, 'Order would immediately match and take.'),
  unknownOrder: () => new BinanceError(400, -2011, 'Unknown order sent.'),
  unknownOrderList: () => new BinanceError(400, -2011, 'Unknown order list sent.'),
  orderListDoesNotExist: () => new BinanceError(400, -2013, 'Order list does not exist.'),
  wouldTrigger: () => new BinanceError(400, -2010, 'Order would trigger immediately.'),
  listPrices: () => new BinanceError(400, -2010, 'The relationship of the prices for the orders is not correct.'),
  unsupportedCombination: () => new BinanceError(400, -1014, 'Unsupported order combination.'),
  orderDoesNotExist: () => new BinanceError(400, -2013, 'Order does not exist.'),
  apiKeyFormat: () => new BinanceError(401, -2014, 'API-key format invalid.'),
  invalidApiKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  notFound: (msg: string) => new BinanceError(404, -1, msg),
};
