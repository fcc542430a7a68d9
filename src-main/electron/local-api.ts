/**
 * The local REST/WebSocket API in the desktop app: off until the trader turns
 * it on, then served on 127.0.0.1 at the port they chose. The switch and the
 * port live in a small JSON file in the app's data folder. Free of 'electron':
 * the server and the file are injected, so the rules are testable.
 */
import { z } from 'zod';
import type { LocalApiSettings, LocalApiStatus } from '../../src-common/contract/bridge.js';
import { TernError } from '../../src-common/contract/errors.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import { type ApiLogger, createApiServer, DEFAULT_PORT } from '../api/server.js';

export const LOCAL_API_FILE = 'local-api.json';
export const LOCAL_API_HOST = '127.0.0.1';
export const DEFAULT_LOCAL_API: LocalApiSettings = Object.freeze({ enabled: false, port: DEFAULT_PORT });

/** Ports below 1024 need privileges on most systems; 0 (any port) cannot be remembered. */
export const LocalApiSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  port: z.number().int().min(1024, 'port must be 1024 or more').max(65535, 'port must be 65535 or less'),
});
// the schema and the bridge type must describe the same thing
type _Same = [z.infer<typeof LocalApiSettingsSchema>, LocalApiSettings] extends [LocalApiSettings, z.infer<typeof LocalApiSettingsSchema>] ? true : never;
const _same: _Same = true;
void _same;

/** The saved settings, or the defaults (off, port 7878) when the file is missing or invalid. */
export function parseLocalApiSettings(json: unknown): LocalApiSettings {
  const parsed = LocalApiSettingsSchema.safeParse(json);
  return parsed.success ? parsed.data : { ...DEFAULT_LOCAL_API };
}

/** A started server, as much as the controller needs. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export interface LocalApiDeps {
  /** starts a server on 127.0.0.1:`port`; rejects when it cannot listen */
  start(port: number): Promise<RunningServer>;
  load(): Promise<LocalApiSettings>;
  save(settings: LocalApiSettings): Promise<void>;
  log?: (message: string, err?: unknown) => void;
}

/** Why a server could not listen, in words for the settings screen. */
export function listenFailure(port: number, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') return `port ${port} is already in use on ${LOCAL_API_HOST}`;
  if (code === 'EACCES') return `no permission to listen on port ${port}`;
  return `cannot listen on ${LOCAL_API_HOST}:${port}`;
}

/**
 * Starts and stops the local API. Changes run one at a time, in order. A
 * change is saved only once it took effect: a port that is taken leaves the
 * previous setting saved and answers CONFLICT naming the port.
 */
export class LocalApiController {
  private settings: LocalApiSettings = { ...DEFAULT_LOCAL_API };
  private server: RunningServer | null = null;
  private error: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: LocalApiDeps) {}

  status(): LocalApiStatus {
    return { ...this.settings, running: this.server !== null, url: this.server?.url ?? null, error: this.error };
  }

  /** Applies the saved settings at start. A saved "on" whose port is now taken stays on, not running, with the reason. */
  init(): Promise<LocalApiStatus> {
    return this.serial(async () => {
      this.settings = await this.deps.load();
      if (this.settings.enabled) await this.startOn(this.settings.port).catch(() => undefined);
      return this.status();
    });
  }

  /** `api.setEnabled` from the renderer (untrusted params). */
  setEnabled(raw: unknown): Promise<LocalApiStatus> {
    const parsed = LocalApiSettingsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'params';
      return Promise.reject(new TernError('BAD_REQUEST', `${field}: ${issue?.message ?? 'invalid'}`, { field }));
    }
    const wanted = parsed.data;
    return this.serial(async () => {
      if (this.closed) throw new TernError('CONFLICT', 'the app is quitting');
      if (!wanted.enabled) {
        await this.stop();
        this.error = null;
      } else if (!this.server || wanted.port !== this.settings.port) {
        await this.stop();
        try {
          await this.startOn(wanted.port);
        } catch (err) {
          // restore what was running before, if anything was
          if (this.settings.enabled && this.settings.port !== wanted.port) await this.startOn(this.settings.port).catch(() => undefined);
          if (!this.settings.enabled) this.error = null;
          throw new TernError('CONFLICT', listenFailure(wanted.port, err), { field: 'port' });
        }
      }
      this.settings = { ...wanted };
      await this.deps.save(this.settings);
      return this.status();
    });
  }

  /** Stops the server for good (app quit); the saved setting stays as it is. */
  close(): Promise<void> {
    this.closed = true;
    return this.serial(() => this.stop());
  }

  private async startOn(port: number): Promise<void> {
    try {
      this.server = await this.deps.start(port);
      this.error = null;
    } catch (err) {
      this.server = null;
      this.error = listenFailure(port, err);
      this.deps.log?.(`local API: ${this.error}`, err);
      throw err;
    }
  }

  private async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await s.close();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** The real server: the same createApiServer as `npm run serve`, on 127.0.0.1 only. */
export function apiServerStarter(opts: { engine: EngineApi; version: string; logger?: ApiLogger | false }) {
  return async (port: number): Promise<RunningServer> => {
    const server = createApiServer({ ...opts, host: LOCAL_API_HOST, port });
    try {
      const { url } = await server.listen();
      return { url, close: () => server.close() };
    } catch (err) {
      await server.close().catch(() => undefined);
      throw err;
    }
  };
}
