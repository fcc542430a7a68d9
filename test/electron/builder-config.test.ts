/**
 * electron-builder cannot run here (it downloads Electron while packaging), so
 * this loads electron-builder.yml through electron-builder's own loader and
 * schema and checks what the installers will hold.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, matchesGlob, relative } from 'node:path';
import type { Configuration } from 'electron-builder';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ID, PRODUCT_NAME } from '../../src-main/electron/app-identity.js';
import { resourcePaths } from '../../src-main/electron/resources.js';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
let config: Configuration;

beforeAll(async () => {
  expect(existsSync(join(root, 'electron-builder.yml'))).toBe(true);
  config = await getConfig(root, null, null);
});

type FileSet = { from?: string; to?: string; filter?: string | string[] };
const asList = <T>(v: T | T[] | null | undefined): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);
const targetsOf = (platform: { target?: unknown } | null | undefined): string[] =>
  asList(platform?.target as string | { target: string } | Array<string | { target: string }>).map((t) => (typeof t === 'string' ? t : t.target));

/** electron-builder's rule: a file is in when some positive pattern matches it and no later negative one does. */
function included(patterns: string[], file: string): boolean {
  let inside = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (matchesGlob(file, p.slice(1))) inside = false;
    } else if (matchesGlob(file, p)) inside = true;
  }
  return inside;
}
// getConfig turns `files: [...]` into `[{ filter: [...] }]`
const filePatterns = () => asList(config.files as string | FileSet | Array<string | FileSet>).flatMap((f) => (typeof f === 'string' ? [f] : asList(f.filter)));
// electron-builder always adds package.json and the production node_modules; only exclusions apply to them
const includedModuleFile = (file: string) => included(['**/*', ...filePatterns().filter((p) => p.startsWith('!'))], file);

function pngSize(file: string): { width: number; height: number } {
  const buf = readFileSync(file);
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema", async () => {
    await expect(validateConfiguration(config, { isEnabled: false, add: () => {} } as never)).resolves.toBeUndefined();
  });

  it('names the app Tern with the app id the shell uses for notifications', () => {
    expect(config.productName).toBe(PRODUCT_NAME);
    expect(config.appId).toBe(APP_ID);
  });

  it('builds AppImage and deb on Linux, dmg on macOS and nsis on Windows', () => {
    expect(targetsOf(config.linux).sort()).toEqual(['AppImage', 'deb']);
    expect(targetsOf(config.mac)).toEqual(['dmg']);
    expect(targetsOf(config.win)).toEqual(['nsis']);
  });

  it('packs the electron-vite build named by package.json main, and no sources', () => {
    expect(pkg.main).toBe('out/main/index.js');
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'package.json']) {
      expect(included(filePatterns(), f), f).toBe(true);
    }
    for (const f of ['src-main/runtime.ts', 'test/electron/main.test.ts', 'out/main/index.js.map', 'node_modules/.bin/tsc']) {
      expect(included(filePatterns(), f), f).toBe(false);
    }
  });

  it("keeps main's runtime dependencies and leaves out what Vite already bundled into the page", () => {
    for (const f of ['node_modules/better-sqlite3/lib/index.js', 'node_modules/better-sqlite3/prebuilds/linux-x64.node', 'node_modules/fastify/fastify.js', 'node_modules/zod/index.js']) {
      expect(includedModuleFile(f), f).toBe(true);
    }
    for (const f of ['node_modules/react/index.js', 'node_modules/react-dom/client.js', 'node_modules/echarts/index.js', 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c']) {
      expect(includedModuleFile(f), f).toBe(false);
    }
  });

  it('excludes only packages that nothing in the main process imports', () => {
    const excluded = filePatterns()
      .filter((p) => p.startsWith('!**/node_modules/{'))
      .flatMap((p) => p.slice('!**/node_modules/{'.length, p.indexOf('}')).split(','));
    expect(excluded).toContain('react');
    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.tsx?$/.test(name)) sources.push(readFileSync(path, 'utf8'));
      }
    };
    walk(join(root, 'src-main'));
    const imported = new Set(sources.flatMap((s) => [...s.matchAll(/from\s+['"]([^'".][^'"]*)['"]/g)].map((m) => m[1]!.split('/')[0]!)));
    for (const name of excluded) expect(imported.has(name), name).toBe(false);
  });

  it('unpacks native modules from the asar: better-sqlite3 and the keyring', () => {
    const unpack = asList(config.asarUnpack as string | string[]);
    const unpacked = (f: string) => unpack.some((p) => matchesGlob(f, p));
    const prebuilds = readdirSync(join(root, 'node_modules', 'better-sqlite3', 'prebuilds')).filter((f) => f.endsWith('.node'));
    expect(prebuilds.length).toBeGreaterThan(0);
    for (const f of prebuilds) expect(unpacked(`node_modules/better-sqlite3/prebuilds/${f}`), f).toBe(true);
    expect(unpacked('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    expect(unpacked('node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node')).toBe(true);
    expect(unpacked('node_modules/@napi-rs/keyring-win32-x64-msvc/keyring.win32-x64-msvc.node')).toBe(true);
    expect(unpacked('node_modules/zod/index.js')).toBe(false);
    expect(unpacked('out/main/index.js')).toBe(false);
  });

  it('rebuilds native modules for Electron while packaging, from prebuilds where they exist', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.buildDependenciesFromSource).toBe(false);
    expect(pkg.dependencies['better-sqlite3']).toBeDefined();
    // electron-builder refuses electron among the app's production dependencies
    expect(pkg.dependencies['electron']).toBeUndefined();
    expect(pkg.devDependencies['electron']).toBeDefined();
  });

  it('copies the sample feed and the icon beside the asar, where the packaged shell looks for them', () => {
    const resourcesPath = '/packaged/resources';
    const wanted = resourcePaths({ isPackaged: true, resourcesPath, appPath: `${resourcesPath}/app.asar` });
    const copied = new Set<string>();
    for (const entry of asList(config.extraResources as FileSet | FileSet[])) {
      const from = join(root, entry.from!);
      expect(existsSync(from), entry.from).toBe(true);
      if (statSync(from).isDirectory()) {
        const filters = asList(entry.filter);
        for (const name of readdirSync(from)) if (filters.length === 0 || filters.some((f) => matchesGlob(name, f))) copied.add(join(entry.to ?? basename(from), name));
      } else {
        copied.add(entry.to ?? basename(from));
      }
    }
    expect(copied).toContain(relative(resourcesPath, wanted.sampleFeed));
    expect(copied).toContain(relative(resourcesPath, wanted.icon));
  });

  it('takes icons from build/: a 512 px PNG for macOS and Windows, a size-named set for Linux', () => {
    expect(config.directories?.buildResources).toBe('build');
    for (const icon of [config.mac?.icon, config.win?.icon]) {
      const size = pngSize(join(root, icon!));
      expect(size.width).toBeGreaterThanOrEqual(512);
      expect(size.height).toBe(size.width);
    }
    const dir = join(root, config.linux!.icon!);
    const pngs = readdirSync(dir).filter((f) => f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(0);
    for (const f of pngs) {
      const [w, h] = f.replace('.png', '').split('x').map(Number);
      expect(pngSize(join(dir, f))).toEqual({ width: w, height: h });
    }
  });

  it('signs macOS builds with entitlements that let V8 JIT and the app use the network', () => {
    const plist = readFileSync(join(root, config.mac!.entitlements!), 'utf8');
    expect(plist).toContain('com.apple.security.cs.allow-jit');
    expect(plist).toContain('com.apple.security.network.client');
    expect(config.mac!.hardenedRuntime).toBe(true);
  });

  it('keeps the trader data on uninstall and installs per user on Windows', () => {
    expect(config.nsis).toMatchObject({ oneClick: false, perMachine: false, deleteAppDataOnUninstall: false });
  });

  it('turns off the Electron fuses Tern does not need', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });

  it('writes installers to dist/, which git ignores, and never publishes', () => {
    expect(config.directories?.output).toBe('dist');
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('dist/');
    expect(config.publish).toBeNull();
  });

  it('is run by `npm run dist` after the electron-vite build', () => {
    expect(pkg.devDependencies['electron-builder']).toBeDefined();
    expect(pkg.scripts['dist']).toMatch(/^electron-vite build && electron-builder\b/);
    for (const os of ['linux', 'mac', 'win']) expect(pkg.scripts[`dist:${os}`]).toContain(`electron-builder --${os}`);
  });
});
