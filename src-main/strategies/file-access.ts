/**
 * Which files a strategy start or a backtest may read, by who asks. Through
 * the protocol (REST, WebSocket, the desktop window) strategy modules come only
 * from the data folder's `strategies/` and candle files only from its
 * `imports/` (plus the engine's own candle cache, `cache:`), and from folders
 * the trader added with the desktop app's file dialog. A module is code that
 * runs inside the engine and a data file's errors are read back by API
 * callers, so a name is checked before anything is read or imported: no
 * `..`, an absolute path only inside an allowed folder, and the real path
 * (links followed) still inside one. A local user on the command line
 * (actor 'cli') is trusted with any path, like any program they run.
 *
 * Pure Node (no Electron, no HTTP): the desktop shell only calls allowFolder.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TernError, badRequest } from '../../src-common/contract/errors.js';
import { BUILTIN_STRATEGIES } from './builtin/index.js';

export type FileKind = 'strategies' | 'imports';
export const FILE_KINDS: readonly FileKind[] = ['strategies', 'imports'];

/** Actors trusted with any path: a local user on the command line (the desktop window and API keys are not). */
export const TRUSTED_ACTORS: ReadonlySet<string> = new Set(['cli']);

const LISTED: Record<FileKind, RegExp> = { strategies: /\.(m?[jt]s|cjs|mts|cts)$/i, imports: /\.(csv|db|sqlite3?)$/i };
const LIST_MAX = 1000;
const LIST_DEPTH = 4;

export interface FileAccessOptions {
  /** the data folder, whose strategies/ and imports/ the protocol reads; without one only built-ins and cache: data */
  dataDir?: string;
  /** the SQLite file `cache:` data reads (the engine's store) */
  candleDatabase?: string;
  /** where relative paths of trusted actors are from (default process.cwd()) */
  cwd?: string;
}

interface Root {
  /** as configured */
  given: string;
  /** with links resolved */
  real: string;
}

export class FileAccess {
  private readonly roots: Record<FileKind, Root[]> = { strategies: [], imports: [] };
  readonly candleDatabase: string | null;
  readonly cwd: string;

  constructor(opts: FileAccessOptions = {}) {
    this.candleDatabase = opts.candleDatabase || null;
    this.cwd = opts.cwd ?? process.cwd();
    if (opts.dataDir) for (const kind of FILE_KINDS) this.roots[kind].push(root(join(opts.dataDir, kind)));
  }

  /**
   * The data folder's strategies/ and imports/, created (0700: private to the
   * user) when missing; `seed` files are copied into a new imports/ (the
   * bundled sample), so a fresh install has something to backtest.
   */
  static open(opts: FileAccessOptions & { dataDir: string; seed?: readonly string[] }): FileAccess {
    for (const kind of FILE_KINDS) {
      const dir = join(opts.dataDir, kind);
      if (existsSync(dir)) continue;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700); // mkdir's mode is masked by the umask
      if (kind === 'imports') {
        for (const file of opts.seed ?? []) {
          try {
            copyFileSync(file, join(dir, basename(file)));
          } catch {
            // a missing sample only leaves the folder empty
          }
        }
      }
    }
    return new FileAccess(opts);
  }

  /** the folders of a kind: the data folder's first, then the ones added */
  folders(kind: FileKind): string[] {
    return this.roots[kind].map((r) => r.given);
  }

  /**
   * Opens a folder the trader picked (the desktop app's file dialog) for one
   * kind of file, for every caller. Never reachable through the protocol.
   */
  allowFolder(kind: FileKind, dir: string): string {
    if (!isAbsolute(dir)) throw badRequest('a folder to allow must be an absolute path', { field: 'folder' });
    const r = root(resolve(dir));
    if (!this.roots[kind].some((x) => x.real === r.real)) this.roots[kind].push(r);
    return r.given;
  }

  isTrusted(actor: string): boolean {
    return TRUSTED_ACTORS.has(actor);
  }

  /** What to load for `strategies.start` / `backtests.start`: a built-in name as it is, a module file as its checked real path. */
  strategy(nameOrPath: string, actor: string): string {
    if (BUILTIN_STRATEGIES.has(nameOrPath) || this.isTrusted(actor)) return nameOrPath;
    return this.inside('strategies', nameOrPath, 'strategy');
  }

  /**
   * A backtest's data source, self-contained for a worker thread: `cache:…` as
   * `sqlite:<the engine's store>?…`, a file as its checked real path (trusted
   * actors: as given, relative to cwd).
   */
  data(source: string, actor: string): string {
    if (source.startsWith('cache:')) {
      if (!this.candleDatabase) throw badRequest('no candle cache is available to answer a cache: source; give a CSV file', { field: 'data' });
      return `sqlite:${this.candleDatabase}${source.slice('cache:'.length)}`;
    }
    const trusted = this.isTrusted(actor);
    if (source.startsWith('sqlite:')) {
      const query = source.indexOf('?');
      const file = source.slice('sqlite:'.length, query < 0 ? undefined : query);
      const rest = query < 0 ? '' : source.slice(query);
      return `sqlite:${trusted ? resolve(this.cwd, file) : this.inside('imports', file, 'data')}${rest}`;
    }
    return trusted ? resolve(this.cwd, source) : this.inside('imports', source, 'data');
  }

  /** the files callers can name, per kind: relative names in the data folder's, absolute paths in added folders */
  list(): Record<FileKind, { folders: string[]; files: string[] }> {
    const out = {} as Record<FileKind, { folders: string[]; files: string[] }>;
    for (const kind of FILE_KINDS) {
      const files: string[] = [];
      this.roots[kind].forEach((r, i) => walk(r.real, r.real, 0, (file) => {
        if (files.length >= LIST_MAX || !LISTED[kind].test(file)) return;
        if (!this.allowed(kind, file)) return;
        files.push(i === 0 ? relative(r.real, file).split(sep).join('/') : join(r.given, relative(r.real, file)));
      }));
      out[kind] = { folders: this.folders(kind), files };
    }
    return out;
  }

  /** The real path of `name` in a folder of `kind`, or a refusal that names the folders (nothing is read). */
  private inside(kind: FileKind, name: string, field: 'strategy' | 'data'): string {
    const roots = this.roots[kind];
    const what = kind === 'strategies' ? 'a strategy module' : 'candle data';
    const refuse = (why: string) =>
      new TernError(
        'FORBIDDEN',
        roots.length === 0
          ? `${why}: this engine has no ${kind} folder, so only ${kind === 'strategies' ? 'built-in strategies' : 'cache: data'} can be used through the API`
          : `${why}: ${what} must be a file in ${roots.map((r) => r.given).join(' or ')}, named relative to ${roots.length > 1 ? 'the first' : 'it'} (e.g. "${kind === 'strategies' ? 'my-strategy.mjs' : 'BTC-USDT_1m.csv'}")`,
        { field, folders: roots.map((r) => r.given) },
      );
    if (name.includes('\0')) throw refuse('a NUL character is not allowed in a file name');
    if (name.split(/[\\/]/).includes('..')) throw refuse('".." is not allowed in a file name');
    if (roots.length === 0) throw refuse('files are not allowed');
    const candidate = isAbsolute(name) ? resolve(name) : resolve(roots[0]!.real, name);
    if (!roots.some((r) => within(r.real, candidate) || within(r.given, candidate))) throw refuse('this path is outside the allowed folders');
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw badRequest(`${kind === 'strategies' ? 'strategy' : 'data'} file not found in ${roots.map((r) => r.given).join(' or ')}: ${name}`, { field });
      throw badRequest(`cannot open ${name}${code ? ` (${code})` : ''}`, { field });
    }
    if (!this.allowed(kind, real)) throw refuse('this name leads out of the allowed folders (a link)');
    if (!statSync(real).isFile()) throw badRequest(`not a file: ${name}`, { field });
    return real;
  }

  private allowed(kind: FileKind, real: string): boolean {
    return this.roots[kind].some((r) => within(r.real, real));
  }
}

function root(dir: string): Root {
  let real = dir;
  try {
    real = realpathSync(dir);
  } catch {
    // not there (yet): nothing inside it can be opened anyway
  }
  return { given: dir, real };
}

/** whether `path` is strictly inside `dir` (both absolute, resolved) */
function within(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function walk(base: string, dir: string, depth: number, visit: (file: string) => void): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < LIST_DEPTH) walk(base, path, depth + 1, visit);
      continue;
    }
    let real: string;
    try {
      real = e.isSymbolicLink() ? realpathSync(path) : path;
      if (!statSync(real).isFile()) continue;
    } catch {
      continue;
    }
    // a link is listed under its own name (when it stays inside; checked by the caller)
    if (real === path) visit(path);
    else if (within(base, real)) visit(path);
  }
}
