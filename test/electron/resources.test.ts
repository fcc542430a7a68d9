import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ID, PRODUCT_NAME, userDataDir } from '../../src-main/electron/app-identity.js';
import { resourcePaths } from '../../src-main/electron/resources.js';
import { desktopRuntimeOptions } from '../../src-main/electron/runtime-options.js';
import { defaultDataDir } from '../../src-main/paths.js';

const root = join(import.meta.dirname, '..', '..');

describe('run-time resource paths', () => {
  it('finds the sample feed and the icon under resources/ of the project in a checkout (electron-vite dev and preview)', () => {
    const p = resourcePaths({ isPackaged: false, resourcesPath: '/opt/electron/resources', appPath: root });
    expect(p.sampleFeed).toBe(join(root, 'resources', 'replay', 'BTC-USDT_1m_sample.csv'));
    expect(p.icon).toBe(join(root, 'resources', 'icon.png'));
    expect(existsSync(p.sampleFeed)).toBe(true);
    expect(existsSync(p.icon)).toBe(true);
  });

  it('finds them in the resources folder beside app.asar when packaged, never inside the asar', () => {
    const resourcesPath = join('/opt', 'Tern', 'resources');
    const p = resourcePaths({ isPackaged: true, resourcesPath, appPath: join(resourcesPath, 'app.asar') });
    expect(p).toEqual({
      dir: resourcesPath,
      sampleFeed: join(resourcesPath, 'replay', 'BTC-USDT_1m_sample.csv'),
      icon: join(resourcesPath, 'icon.png'),
    });
    expect(p.sampleFeed).not.toContain('app.asar');
  });
});

describe('desktop engine options', () => {
  it('replays the bundled sample unless TERN_FEED names another feed', () => {
    expect(desktopRuntimeOptions({}, '/r/replay/s.csv')).toEqual({
      feed: 'replay:/r/replay/s.csv',
      // a fresh install: both bundled markets
      markets: [
        { feed: 'replay:/r/replay/s.csv', symbol: 'BTC/USDT' },
        { feed: 'replay:/r/replay/ETH-BTC_1m_sample.csv', symbol: 'ETH/BTC' },
      ],
    });
    expect(desktopRuntimeOptions({ TERN_FEED: 'replay:/data/eth.csv@100' }, '/r/s.csv')).toEqual({ feed: 'replay:/data/eth.csv@100' });
  });

  it('takes the symbol and paper balance from the environment, ignoring empty variables', () => {
    expect(desktopRuntimeOptions({ TERN_SYMBOL: 'ETH/USDT', TERN_PAPER_BALANCE: '5000', TERN_FEED: ' ' }, '/s.csv')).toEqual({
      feed: 'replay:/s.csv',
      symbol: 'ETH/USDT',
      paperBalance: '5000',
    });
    expect(desktopRuntimeOptions({ TERN_SYMBOL: '', TERN_PAPER_BALANCE: '' }, '/s.csv')).toEqual(desktopRuntimeOptions({}, '/s.csv'));
  });
});

describe('app identity', () => {
  it('keeps the desktop app and `npm run serve` in the same data folder', () => {
    const env = { XDG_CONFIG_HOME: '/home/t/.config' };
    // Electron's appData on Linux is $XDG_CONFIG_HOME (or ~/.config)
    expect(userDataDir('/home/t/.config')).toBe(defaultDataDir(env, 'linux'));
  });

  it('is called Tern with a reverse-DNS app id', () => {
    expect(PRODUCT_NAME).toBe('Tern');
    expect(APP_ID).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+){2,}$/);
  });
});
