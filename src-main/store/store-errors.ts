import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreUnwritable } from '../engine/ports/store.js';

/** free bytes for an unprivileged user on the disk holding `dir`; Infinity when unknown */
export function statfsFreeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

export function diskFull(dir: string, free: number, file: string): StoreUnwritable {
  return new StoreUnwritable(`disk full: ${megabytes(free)} MB free on ${dir}`, file);
}

/**
 * SQLite's errors that mean "cannot write now" rather than "damaged": the disk
 * is full, the file or its folder is read-only, the OS refused the I/O. As a
 * StoreUnwritable that says which, or null for any other error.
 */
export function asUnwritable(err: unknown, file: string, freeBytes: (dir: string) => number = statfsFreeBytes): StoreUnwritable | null {
  if (err instanceof StoreUnwritable) return err;
  const code = String((err as { code?: unknown })?.code ?? '');
  const dir = dirname(file);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return diskFull(dir, freeBytes(dir), file);
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    // a connection SQLite opened read-only stays so: a restart is what picks up a file made writable
    return new StoreUnwritable(`${file} is read-only (${code}); make the file and its folder writable (chmod u+w ${file}) and restart Tern`, file);
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) {
    // a write that failed for want of room shows as an I/O error on some systems
    const free = freeBytes(dir);
    if (free < 1024 * 1024) return diskFull(dir, free, file);
    return new StoreUnwritable(`cannot write ${file} (${code}: ${(err as Error).message})`, file);
  }
  return null;
}
