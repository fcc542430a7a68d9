import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import pino from 'pino';

/** The few fs calls the log file makes (tests inject failures). */
export type LogFs = Pick<typeof nodeFs, 'openSync' | 'writeSync' | 'closeSync' | 'mkdirSync' | 'chmodSync'>;

export interface LogFileOptions {
  fs?: LogFs;
  /** while the file cannot be written, how often to try again (default 5 s) */
  retryMs?: number;
  /** lines waiting for the disk, at most (bytes); beyond it lines are dropped and counted */
  maxBufferBytes?: number;
}

/**
 * A pino destination that can never take the process down or hang it. pino's
 * own (sonic-boom) emits ENOSPC as an unhandled 'error' and then spins in its
 * exit handler retrying the write, holding the port; it also throws "sonic
 * boom is not ready yet" when the process exits before its async open.
 *
 * Here the file is opened synchronously (0600); lines are buffered and
 * written once per turn of the event loop (one write call however many
 * lines; a local write of a few KB returns at once, and a full disk answers
 * ENOSPC at once: nothing to wait for), and any write error (disk full,
 * read-only, I/O) switches to dropping lines, counting them, and retrying
 * every `retryMs`; the first line that gets through again says how many
 * were dropped and why.
 */
export class LogFile {
  private readonly fs: LogFs;
  private readonly retryMs: number;
  private readonly maxBufferBytes: number;
  private fd: number | null = null;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private scheduled = false;
  private downSince: string | null = null;
  private droppedNow = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private ended = false;
  /** a short write left part of a line: the next line written starts a new one */
  private torn = false;
  /** lines dropped since the file was opened */
  dropped = 0;

  constructor(readonly file: string, opts: LogFileOptions = {}) {
    this.fs = opts.fs ?? nodeFs;
    this.retryMs = opts.retryMs ?? 5000;
    this.maxBufferBytes = opts.maxBufferBytes ?? 4 * 1024 * 1024;
    this.open();
  }

  /** true while lines are being dropped; the reason (an errno code) */
  get failing(): string | null {
    return this.downSince;
  }

  write(line: string): boolean {
    if (this.ended) return true;
    if (this.downSince !== null || this.bufferedBytes + line.length > this.maxBufferBytes) {
      this.drop(1, this.downSince ?? 'ENOBUFS');
      return true;
    }
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flushSync();
      });
    }
    return true;
  }

  /** writes what is buffered (or drops it), then calls back */
  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  /** writes what is buffered now; errors drop the lines (a process on its way out must not hang on a full disk) */
  flushSync(): void {
    if (this.fd === null || this.downSince !== null || this.buffer.length === 0) return;
    const { text, lines } = this.takeBuffer();
    let bytes: Buffer | null = null;
    let written = 0;
    try {
      written = this.fs.writeSync(this.fd, text);
      // A disk that fills up mid-write takes what fits and says so (a short write): the rest is written, or fails next.
      if (written < Buffer.byteLength(text)) {
        bytes = Buffer.from(text);
        while (written < bytes.length) {
          const n = this.fs.writeSync(this.fd, bytes, written);
          if (n <= 0) throw Object.assign(new Error('the log file took no more bytes'), { code: 'ENOSPC' });
          written += n;
        }
      }
    } catch (err) {
      if (bytes === null) return this.fail(err, lines);
      // the lines not wholly written are the ones lost; a torn one is ended before the next line
      this.torn = written > 0 && bytes[written - 1] !== NEWLINE;
      this.fail(err, countNewlines(bytes, written));
    }
  }

  end(): void {
    this.flushSync();
    this.ended = true;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
    if (this.fd !== null) {
      try {
        this.fs.closeSync(this.fd);
      } catch {
        // nothing to do about it
      }
      this.fd = null;
    }
  }

  private open(): void {
    try {
      this.fs.mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      this.fd = this.fs.openSync(this.file, 'a', 0o600);
      // an existing file keeps its mode on open: tighten it (POSIX only)
      if (process.platform !== 'win32') this.fs.chmodSync(this.file, 0o600);
    } catch (err) {
      this.fd = null;
      this.fail(err, 0);
    }
  }

  private takeBuffer(): { text: string; lines: number } {
    const text = this.buffer.join('');
    const lines = this.buffer.length;
    this.buffer = [];
    this.bufferedBytes = 0;
    return { text, lines };
  }

  private drop(lines: number, code: string): void {
    this.dropped += lines;
    this.droppedNow += lines;
    if (this.downSince === null && code !== 'ENOBUFS') this.downSince = code;
  }

  private fail(err: unknown, lines: number): void {
    const code = (err as NodeJS.ErrnoException)?.code ?? String(err);
    this.drop(lines + this.buffer.length, code);
    this.buffer = [];
    this.bufferedBytes = 0;
    this.downSince = code;
    if (this.retryTimer === null && !this.ended) {
      this.retryTimer = setInterval(() => this.retry(), this.retryMs);
      // the retry never keeps a process alive
      this.retryTimer.unref();
    }
  }

  /** one synchronous line saying what was lost: when it gets through, the file works again */
  private retry(): void {
    if (this.fd === null) {
      try {
        this.fd = this.fs.openSync(this.file, 'a', 0o600);
      } catch {
        return;
      }
    }
    const notice = `${this.torn ? '\n' : ''}${JSON.stringify({ level: 40, time: Date.now(), pid: process.pid, msg: `log: ${this.droppedNow} lines dropped while the log file could not be written (${this.downSince})`, dropped: this.droppedNow, reason: this.downSince })}\n`;
    try {
      this.fs.writeSync(this.fd, notice);
    } catch {
      return;
    }
    this.downSince = null;
    this.droppedNow = 0;
    this.torn = false;
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }
}

const NEWLINE = 0x0a;

function countNewlines(bytes: Buffer, from: number): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE, from); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) n += 1;
  return n;
}

/** Tern's pino logger on `file` through a LogFile (see above). */
export function fileLogger(file: string, level: string = process.env['TERN_LOG_LEVEL'] ?? 'info'): { logger: pino.Logger; file: LogFile } {
  const dest = new LogFile(file);
  return { logger: pino({ level }, dest), file: dest };
}
