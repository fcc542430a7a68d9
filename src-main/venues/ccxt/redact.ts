const SECRETISH = /([?&](?:signature|apiKey|api_key|passphrase|password|secret|timestamp|recvWindow)=)[^&\s"']*/gi;

/** An error text fit for a log line or a response: query strings' signatures and keys are cut. */
export function redact(text: string): string {
  return text.replace(SECRETISH, '$1…').slice(0, 500);
}
