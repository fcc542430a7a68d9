import { describe, expect, it } from 'vitest';
import { type AccountDraft, EMPTY_DRAFT, accountFieldOf, accountParams, checkAccount, parseBalances } from '../../../../src-renderer/features/settings/account-form.js';

const NO_KEYS = { apiKey: '', secret: '', password: '' };
const KEYS = { apiKey: 'k-123', secret: 's-456', password: '' };
const draft = (patch: Partial<AccountDraft>): AccountDraft => ({ ...EMPTY_DRAFT, ...patch });

describe('add-account form', () => {
  it('a paper account needs only an id and an exchange, and sends no keys', () => {
    const d = draft({ id: 'paper2', exchange: 'paper' });
    expect(checkAccount(d, NO_KEYS)).toEqual({});
    expect(accountParams(d, { apiKey: 'typed before switching to paper', secret: 'x', password: 'y' })).toEqual({ id: 'paper2', exchange: 'paper', mode: 'paper' });
  });

  it('names the id and exchange rules the engine applies', () => {
    expect(checkAccount(draft({ id: 'Main Account', exchange: 'Binance!' }), NO_KEYS)).toMatchObject({ id: expect.stringMatching(/Lowercase/), exchange: expect.stringMatching(/ccxt/) });
    expect(checkAccount(draft({ id: '', exchange: '' }), NO_KEYS)).toMatchObject({ id: expect.any(String), exchange: expect.any(String) });
  });

  it('a live account needs a real exchange, its key and secret, and the explicit confirmation', () => {
    expect(checkAccount(draft({ id: 'live1', exchange: 'paper', mode: 'live' }), NO_KEYS)).toEqual({
      exchange: 'A live account needs a real exchange, not "paper"',
      api_key: 'A live account needs the API key',
      secret: 'A live account needs the API secret',
      confirm: 'Confirm that this account trades real money',
    });
    expect(checkAccount(draft({ id: 'live1', exchange: 'okx', mode: 'live', liveConfirmed: true }), KEYS)).toEqual({});
  });

  it('sends a live account with its keys (passphrase only when given), sandbox and base URL', () => {
    const d = draft({ id: 'okx-main', exchange: 'okx', mode: 'live', liveConfirmed: true, sandbox: true, baseUrl: ' http://127.0.0.1:9000 ' });
    expect(accountParams(d, { ...KEYS, password: 'pass' })).toEqual({ id: 'okx-main', exchange: 'okx', mode: 'live', api_key: 'k-123', secret: 's-456', password: 'pass', sandbox: true, base_url: 'http://127.0.0.1:9000' });
    expect(accountParams({ ...d, sandbox: false, baseUrl: '' }, KEYS)).toEqual({ id: 'okx-main', exchange: 'okx', mode: 'live', api_key: 'k-123', secret: 's-456' });
  });

  it('only a real exchange has a testnet or a base URL', () => {
    expect(checkAccount(draft({ id: 'p', exchange: 'paper', sandbox: true, baseUrl: 'http://x' }), NO_KEYS)).toEqual({ sandbox: 'Only a real exchange has a testnet', base_url: 'Only a real exchange has a base URL' });
  });

  it('reads starting balances as ASSET=AMOUNT pairs, exactly', () => {
    expect(parseBalances('usdt=100000, BTC = 1.50;ETH:0')).toEqual({ ok: true, balances: { USDT: '100000', BTC: '1.5', ETH: '0' } });
    expect(parseBalances('')).toEqual({ ok: true, balances: {} });
    expect(parseBalances('USDT')).toMatchObject({ ok: false });
    expect(parseBalances('USDT=-1')).toMatchObject({ ok: false, error: 'USDT: -1 is not an amount ≥ 0' });
    expect(parseBalances('USDT=1, USDT=2')).toMatchObject({ ok: false, error: 'USDT is given twice' });
    const d = draft({ id: 'p2', startingBalances: 'USDT=5000' });
    expect(accountParams(d, NO_KEYS)).toEqual({ id: 'p2', exchange: 'paper', mode: 'paper', starting_balances: { USDT: '5000' } });
    expect(checkAccount({ ...d, startingBalances: 'lots' }, NO_KEYS)).toMatchObject({ starting_balances: expect.any(String) });
  });

  it('maps the field an engine refusal names to the form field', () => {
    expect(accountFieldOf('api_key')).toBe('api_key');
    expect(accountFieldOf('starting_balances.USDT')).toBe('starting_balances');
    expect(accountFieldOf('nonsense')).toBeUndefined();
    expect(accountFieldOf(undefined)).toBeUndefined();
  });
});
