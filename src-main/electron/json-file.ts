/**
 * Small JSON settings files in the app's data folder (window layout, local
 * API switch). A missing, unreadable or invalid file reads as "nothing saved";
 * writes go to a temporary file renamed over the old one, so a crash mid-write
 * never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The file's content through `parse`, or null when missing or not valid JSON (`parse` decides what is valid). */
export async function readJsonFile<T>(file: string, parse: (json: unknown) => T | null): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return parse(JSON.parse(text));
  } catch {
    return null;
  }
}

export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
