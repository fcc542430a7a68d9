import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJsonFile, writeJsonFile } from '../../src-main/electron/json-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tern-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const asPort = (j: unknown) => (typeof j === 'object' && j !== null && typeof (j as { port?: unknown }).port === 'number' ? (j as { port: number }) : null);

describe('settings files', () => {
  it('writes JSON that reads back, creating the folder, leaving no temporary file behind', async () => {
    const file = join(dir, 'sub', 'x.json');
    await writeJsonFile(file, { port: 9000 });
    expect(await readJsonFile(file, asPort)).toEqual({ port: 9000 });
    expect(await readdir(join(dir, 'sub'))).toEqual(['x.json']);
    expect(await readFile(file, 'utf8')).toBe('{\n  "port": 9000\n}\n');
  });

  it('reads a missing file, broken JSON or content the parser refuses as nothing saved', async () => {
    expect(await readJsonFile(join(dir, 'none.json'), asPort)).toBeNull();
    await writeFile(join(dir, 'broken.json'), '{"port": 90');
    expect(await readJsonFile(join(dir, 'broken.json'), asPort)).toBeNull();
    await writeFile(join(dir, 'wrong.json'), '{"port": "90"}');
    expect(await readJsonFile(join(dir, 'wrong.json'), asPort)).toBeNull();
  });

  it('replaces the whole file on each write', async () => {
    const file = join(dir, 'x.json');
    await writeJsonFile(file, { port: 9000, extra: 'a long value that the next write must not leave behind' });
    await writeJsonFile(file, { port: 1 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ port: 1 });
  });
});
