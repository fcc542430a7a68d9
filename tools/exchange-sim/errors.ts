/**
 * Binance's error wire format: HTTP status plus `{"code": -NNNN, "msg": "..."}`.
 * The codes and messages are Binance's own, because ccxt maps them (by code and by
 * exact message) to its error classes.
 */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(msg);
    this.name = 'SimError';
  }

  body(): Record<string, unknown> {
    return { code: this.code, msg: this.msg, ...this.extra };
  }
}

export const errors = {
  unknown: (msg = 'An unknown error occured while processing the request.') => new SimError(500, -1000, msg),
  tooManyRequests: () =>
    new SimError(429, -1003, 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.'),
  banned: (untilMs: number) =>
    new SimError(418, -1003, `Way too much request weight used; IP banned until ${untilMs}. Please use WebSocket Streams for live updates to avoid bans.`),
  timestampAhead: () => new SimError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  timestampOutside: () => new SimError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  badSignature: () => new SimError(400, -1022, 'Signature for this request is not valid.'),
  mandatory: (name: string) => new SimError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  eitherParam: (a: string, b: string) => new SimError(400, -1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  illegalChars: (name: string) => new SimError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`),
  notRequired: (name: string) => new SimError(400, -1106, `Parameter '${name}' sent when not required.`),
  invalidTif: () => new SimError(400, -1115, 'Invalid timeInForce.'),
  invalidType: () => new SimError(400, -1116, 'Invalid orderType.'),
  invalidSide: () => new SimError(400, -1117, 'Invalid side.'),
  invalidInterval: () => new SimError(400, -1120, 'Invalid interval.'),
  invalidSymbol: () => new SimError(400, -1121, 'Invalid symbol.'),
  invalidListenKey: () => new SimError(400, -1125, 'This listenKey does not exist.'),
  invalidParam: (name: string) => new SimError(400, -1130, `Data sent for parameter '${name}' is not valid.`),
  filter: (name: string) => new SimError(400, -1013, `Filter failure: ${name}`),
  insufficientBalance: () => new SimError(400, -2010, 'Account has insufficient balance for requested action.'),
  duplicateOrder: () => new SimError(400, -2010, 'Duplicate order sent.'),
  wouldTake: () => new SimError(400, -2010, 'Order would immediately match and take.'),
  unknownOrder: () => new SimError(400, -2011, 'Unknown order sent.'),
  unknownOrderList: () => new SimError(400, -2011, 'Unknown order list sent.'),
  orderListDoesNotExist: () => new SimError(400, -2013, 'Order list does not exist.'),
  wouldTrigger: () => new SimError(400, -2010, 'Order would trigger immediately.'),
  listPrices: () => new SimError(400, -2010, 'The relationship of the prices for the orders is not correct.'),
  unsupportedCombination: () => new SimError(400, -1014, 'Unsupported order combination.'),
  orderDoesNotExist: () => new SimError(400, -2013, 'Order does not exist.'),
  apiKeyFormat: () => new SimError(401, -2014, 'API-key format invalid.'),
  invalidApiKey: () => new SimError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  notFound: (what: string) => new SimError(404, -1, `exchange-sim does not implement ${what}`),
};
