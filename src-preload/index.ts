/**
 * The preload: exposes exactly one object, `window.tern`, to the page. It runs
 * sandboxed, so it is bundled to a single CommonJS file whose only import is
 * 'electron'; it imports nothing but types from the contract.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type {
  BridgeCallChannel,
  BridgeEventChannel,
  BridgeReply,
  BridgeShellChannel,
  DesktopBridge,
  ShellMethodName,
  ShellMethods,
  ShellReply,
} from '../src-common/contract/bridge.js';
import type { EngineEvent } from '../src-common/contract/events.js';
import type { MethodName, ParamsOf, ResultOf } from '../src-common/contract/methods.js';

const CALL: BridgeCallChannel = 'tern:call';
const EVENT: BridgeEventChannel = 'tern:event';
const SHELL: BridgeShellChannel = 'tern:shell';

const tern = {
  async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const reply = (await ipcRenderer.invoke(CALL, method, params)) as BridgeReply<M>;
    if (reply.ok) return reply.result;
    // A plain object, not an Error: contextBridge would strip an Error down to its message.
    throw reply.error;
  },
  async shell<M extends ShellMethodName>(method: M, params: ShellMethods[M]['params']): Promise<ShellMethods[M]['result']> {
    const reply = (await ipcRenderer.invoke(SHELL, method, params)) as ShellReply<M>;
    if (reply.ok) return reply.result;
    throw reply.error;
  },
  onEvent(listener: (event: EngineEvent) => void): () => void {
    const handler = (_event: IpcRendererEvent, event: EngineEvent): void => listener(event);
    ipcRenderer.on(EVENT, handler);
    return () => {
      ipcRenderer.removeListener(EVENT, handler);
    };
  },
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('tern', tern);
