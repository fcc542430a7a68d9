import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TernError } from '../../src-common/contract/errors.js';
import { FileAccess } from '../../src-main/strategies/file-access.js';

let data: string;
let outside: string;
let files: FileAccess;
const SAMPLE = new URL('../../resources/replay/BTC-USDT_1m_sample.csv', import.meta.url).pathname;

beforeAll(() => {
  data = realpathSync(mkdtempSync(join(tmpdir(), 'tern-files-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'tern-outside-')));
  files = FileAccess.open({ dataDir: data, candleDatabase: join(data, 'tern.db'), seed: [SAMPLE] });
  writeFileSync(join(data, 'strategies', 'mine.mjs'), 'export default {};\n');
  mkdirSync(join(data, 'strategies', 'team'));
  writeFileSync(join(data, 'strategies', 'team', 'theirs.mjs'), 'export default {};\n');
  writeFileSync(join(outside, 'evil.mjs'), 'export default {};\n');
  writeFileSync(join(outside, 'shadow'), 'root:$6$TOPSECRET$x:19000:0:99999:7:::\n');
  symlinkSync(join(outside, 'evil.mjs'), join(data, 'strategies', 'link.mjs'));
  symlinkSync(outside, join(data, 'strategies', 'out'));
  symlinkSync(join(outside, 'shadow'), join(data, 'imports', 'link.csv'));
  symlinkSync(join(data, 'strategies', 'mine.mjs'), join(data, 'strategies', 'alias.mjs'));
});
afterAll(() => {
  rmSync(data, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function refusal(fn: () => unknown): TernError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TernError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('FileAccess: files only where the trader put them', () => {
  it('creates strategies/ and imports/ private to the user (0700), the sample candles in imports/', () => {
    for (const kind of ['strategies', 'imports']) expect(statSync(join(data, kind)).mode & 0o777).toBe(0o700);
    expect(existsSync(join(data, 'imports', 'BTC-USDT_1m_sample.csv'))).toBe(true);
  });

  it('takes names relative to the folder, subfolders and links that stay inside; built-in names as they are', () => {
    expect(files.strategy('mine.mjs', 'K1')).toBe(join(data, 'strategies', 'mine.mjs'));
    expect(files.strategy('team/theirs.mjs', 'K1')).toBe(join(data, 'strategies', 'team', 'theirs.mjs'));
    expect(files.strategy('alias.mjs', 'ui')).toBe(join(data, 'strategies', 'mine.mjs'));
    expect(files.strategy(join(data, 'strategies', 'mine.mjs'), 'K1')).toBe(join(data, 'strategies', 'mine.mjs'));
    expect(files.strategy('sma-cross', 'K1')).toBe('sma-cross');
    expect(files.data('BTC-USDT_1m_sample.csv', 'K1')).toBe(join(data, 'imports', 'BTC-USDT_1m_sample.csv'));
    expect(files.data('cache:?source=binance&symbol=BTC/USDT&timeframe=1m', 'K1')).toBe(`sqlite:${join(data, 'tern.db')}?source=binance&symbol=BTC/USDT&timeframe=1m`);
  });

  const escapes: Array<[string, () => string]> = [
    ['an absolute path outside', () => join(outside, 'evil.mjs')],
    ['/etc/hostname', () => '/etc/hostname'],
    ['".." out of the folder', () => '../../' + outside.split('/').pop() + '/evil.mjs'],
    ['".." that would land back inside', () => '../strategies/mine.mjs'],
    ['a link to a file outside', () => 'link.mjs'],
    ['a link to a folder outside', () => 'out/evil.mjs'],
    ['a missing file outside (no existence check)', () => join(outside, 'nope.mjs')],
  ];
  for (const [what, name] of escapes) {
    it(`refuses ${what} with 403 naming the folder, for API keys and the desktop window`, () => {
      for (const actor of ['K-admin', 'ui', 'anonymous']) {
        const err = refusal(() => files.strategy(name(), actor));
        expect(err.code).toBe('FORBIDDEN');
        expect(err.status).toBe(403);
        expect(err.message).toContain(join(data, 'strategies'));
        expect(err.details).toEqual({ field: 'strategy', folders: [join(data, 'strategies')] });
        expect(err.message).not.toContain(outside);
      }
    });
  }

  it('refuses data files the same way, sqlite: files too, and never reads them', () => {
    for (const name of [join(outside, 'shadow'), '/etc/shadow', '/etc/hostname', '../strategies/mine.mjs', 'link.csv', `sqlite:${join(outside, 'shadow')}?source=a&symbol=B/C&timeframe=1m`]) {
      const err = refusal(() => files.data(name, 'K-admin'));
      expect(err.code, name).toBe('FORBIDDEN');
      expect(err.details).toMatchObject({ field: 'data', folders: [join(data, 'imports')] });
      expect(err.message).not.toContain('TOPSECRET');
    }
  });

  it('says a file inside is missing without reaching outside', () => {
    const err = refusal(() => files.strategy('nope.mjs', 'K1'));
    expect(err).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'strategy' } });
    expect(err.message).toContain('strategy file not found');
  });

  it('an engine without a data folder allows built-ins and cache: data only', () => {
    const none = new FileAccess({});
    expect(none.strategy('grid', 'K1')).toBe('grid');
    expect(refusal(() => none.strategy('x.mjs', 'K1')).code).toBe('FORBIDDEN');
    expect(refusal(() => none.data('x.csv', 'K1')).code).toBe('FORBIDDEN');
  });

  it('a local user on the command line (actor cli) names any path', () => {
    expect(files.strategy(join(outside, 'evil.mjs'), 'cli')).toBe(join(outside, 'evil.mjs'));
    expect(files.data(join(outside, 'shadow'), 'cli')).toBe(join(outside, 'shadow'));
  });

  it('a folder the trader picked in the desktop app opens for its kind of file only', () => {
    const own = new FileAccess({ dataDir: data });
    expect(refusal(() => own.strategy(join(outside, 'evil.mjs'), 'K1')).code).toBe('FORBIDDEN');
    own.allowFolder('strategies', outside);
    expect(own.strategy(join(outside, 'evil.mjs'), 'K1')).toBe(join(outside, 'evil.mjs'));
    expect(own.folders('strategies')).toEqual([join(data, 'strategies'), outside]);
    expect(refusal(() => own.data(join(outside, 'shadow'), 'K1')).code).toBe('FORBIDDEN');
    expect(refusal(() => own.allowFolder('imports', 'relative/dir')).code).toBe('BAD_REQUEST');
  });

  it('lists what can be named: relative in the data folder, absolute in added ones, links that lead out left off', () => {
    const own = new FileAccess({ dataDir: data });
    own.allowFolder('strategies', outside);
    const list = own.list();
    expect(list.strategies.files).toEqual(['alias.mjs', 'mine.mjs', 'team/theirs.mjs', join(outside, 'evil.mjs')]);
    expect(list.imports).toEqual({ folders: [join(data, 'imports')], files: ['BTC-USDT_1m_sample.csv'] });
    expect(readFileSync(join(outside, 'shadow'), 'utf8')).toContain('TOPSECRET'); // untouched
  });
});
