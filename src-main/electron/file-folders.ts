/**
 * Folders the trader opened for strategy modules or candle files by picking
 * a file in the desktop app's file dialog. The API and the window may name
 * files only in the data folder's strategies/ and imports/ (FileAccess); a
 * file the trader picks in the OS dialog opens its folder too, for its kind
 * of file, now and after a restart (saved in a small JSON file). Free of
 * 'electron': the dialog and the file are injected, so the rules are tested
 * under Node.
 */
import { dirname, isAbsolute, relative, sep } from 'node:path';
import { z } from 'zod';
import type { ChosenFile, FileKindName } from '../../src-common/contract/bridge.js';
import { TernError } from '../../src-common/contract/errors.js';

export const FILE_FOLDERS_FILE = 'file-folders.json';

const Folders = z.array(z.string().min(1).max(4096).refine(isAbsolute)).max(100);
const FileFoldersSchema = z.object({ strategies: Folders.default([]), imports: Folders.default([]) });
export type FileFolders = z.infer<typeof FileFoldersSchema>;

/** The saved folders; none when the file is missing or invalid. */
export function parseFileFolders(json: unknown): FileFolders {
  const parsed = FileFoldersSchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : { strategies: [], imports: [] };
}

/** What the pick needs from the engine (Engine.files). */
export interface AllowList {
  folders(kind: FileKindName): string[];
  allowFolder(kind: FileKindName, dir: string): string;
}

export interface FileFolderDeps {
  files: AllowList;
  /** the OS file dialog: the absolute path picked, or null when canceled */
  choose(kind: FileKindName): Promise<string | null>;
  load(): Promise<FileFolders>;
  save(folders: FileFolders): Promise<void>;
}

const ChooseParams = z.strictObject({ kind: z.enum(['strategies', 'imports']) });

/** The saved folders opened again at start; a folder that is gone is skipped. */
export async function restoreFileFolders(deps: Pick<FileFolderDeps, 'files' | 'load'>): Promise<void> {
  const saved = await deps.load();
  for (const kind of ['strategies', 'imports'] as const) {
    for (const dir of saved[kind]) {
      try {
        deps.files.allowFolder(kind, dir);
      } catch {
        // a folder that cannot be opened any more stays closed
      }
    }
  }
}

/**
 * shell 'files.choose': the OS dialog, then the picked file's folder opened
 * for its kind and saved. Answers the name to use: relative for a file in the
 * data folder's own folder, absolute elsewhere.
 */
export async function chooseFile(deps: FileFolderDeps, raw: unknown): Promise<ChosenFile> {
  const parsed = ChooseParams.safeParse(raw);
  if (!parsed.success) throw new TernError('BAD_REQUEST', 'kind must be "strategies" or "imports"', { field: 'kind' });
  const { kind } = parsed.data;
  const file = await deps.choose(kind);
  if (file === null) return { name: null, folder: null };
  if (!isAbsolute(file)) throw new TernError('BAD_REQUEST', 'the dialog gave a relative path', { field: 'file' });
  const own = deps.files.folders(kind)[0];
  if (own !== undefined) {
    const rel = relative(own, file);
    if (rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)) return { name: rel.split(sep).join('/'), folder: own };
  }
  const folder = deps.files.allowFolder(kind, dirname(file));
  const saved = await deps.load();
  if (!saved[kind].includes(folder)) await deps.save({ ...saved, [kind]: [...saved[kind], folder] });
  return { name: file, folder };
}
