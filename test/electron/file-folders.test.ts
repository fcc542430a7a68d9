import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseFile, type FileFolders, parseFileFolders, restoreFileFolders } from '../../src-main/electron/file-folders.js';
import { FileAccess } from '../../src-main/strategies/file-access.js';

let data: string;
let picked: string;

beforeAll(() => {
  data = realpathSync(mkdtempSync(join(tmpdir(), 'tern-ff-data-')));
  picked = realpathSync(mkdtempSync(join(tmpdir(), 'tern-ff-picked-')));
  writeFileSync(join(picked, 'mine.mjs'), 'export default {};\n');
  writeFileSync(join(picked, 'btc.csv'), '1000,1,1,1,1,1\n');
});
afterAll(() => {
  rmSync(data, { recursive: true, force: true });
  rmSync(picked, { recursive: true, force: true });
});

function deps(files: FileAccess, choice: string | null, saved: FileFolders = { strategies: [], imports: [] }) {
  const store = { saved };
  return {
    store,
    files,
    choose: async () => choice,
    load: async () => store.saved,
    save: async (f: FileFolders) => void (store.saved = f),
  };
}

describe('folders the trader picks in the desktop file dialog', () => {
  it('a picked file opens its folder for its kind of file, and the folder is saved', async () => {
    const files = FileAccess.open({ dataDir: data });
    expect(() => files.strategy(join(picked, 'mine.mjs'), 'ui')).toThrow(/must be a file in/);
    const d = deps(files, join(picked, 'mine.mjs'));
    expect(await chooseFile(d, { kind: 'strategies' })).toEqual({ name: join(picked, 'mine.mjs'), folder: picked });
    expect(files.strategy(join(picked, 'mine.mjs'), 'ui')).toBe(join(picked, 'mine.mjs'));
    expect(files.strategy(join(picked, 'mine.mjs'), 'K-bot')).toBe(join(picked, 'mine.mjs'));
    expect(() => files.data(join(picked, 'btc.csv'), 'ui')).toThrow(/must be a file in/);
    expect(d.store.saved).toEqual({ strategies: [picked], imports: [] });
    // picking again does not save it twice
    await chooseFile(d, { kind: 'strategies' });
    expect(d.store.saved.strategies).toEqual([picked]);
  });

  it('a file in the data folder is named relative to it and opens nothing new; a canceled dialog changes nothing', async () => {
    const files = FileAccess.open({ dataDir: data });
    mkdirSync(join(data, 'imports', 'sub'), { recursive: true });
    const d = deps(files, join(data, 'imports', 'sub', 'x.csv'));
    expect(await chooseFile(d, { kind: 'imports' })).toEqual({ name: 'sub/x.csv', folder: join(data, 'imports') });
    expect(d.store.saved).toEqual({ strategies: [], imports: [] });
    expect(await chooseFile(deps(files, null), { kind: 'imports' })).toEqual({ name: null, folder: null });
  });

  it('refuses a kind it does not know, naming the field', async () => {
    await expect(chooseFile(deps(new FileAccess({ dataDir: data }), null), { kind: 'etc' })).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'kind' } });
  });

  it('saved folders open again at start; a damaged settings file opens none', async () => {
    const files = new FileAccess({ dataDir: data });
    await restoreFileFolders({ files, load: async () => parseFileFolders({ imports: [picked] }) });
    expect(files.data(join(picked, 'btc.csv'), 'K-bot')).toBe(join(picked, 'btc.csv'));
    expect(parseFileFolders({ strategies: ['relative/dir'] })).toEqual({ strategies: [], imports: [] });
    expect(parseFileFolders('garbage')).toEqual({ strategies: [], imports: [] });
    expect(parseFileFolders(null)).toEqual({ strategies: [], imports: [] });
  });
});
