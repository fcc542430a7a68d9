import { createContext, useCallback, useContext } from 'react';
import type { MethodName, ParamsOf, ResultOf } from '../../src-common/contract/methods.js';
import { notify } from '../state/notifications.js';
import { describeError } from './call-error.js';
import type { TernClient } from './types.js';

export const ClientContext = createContext<TernClient | null>(null);

export function useClient(): TernClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext.Provider>');
  return client;
}

/**
 * A call made by the trader's action: on refusal, a toast names what went
 * wrong (the caller may also show it inline). Resolves to undefined on error.
 */
export function useAction() {
  const client = useClient();
  return useCallback(
    async <M extends MethodName>(method: M, params: ParamsOf<M>, failTitle: string): Promise<ResultOf<M> | undefined> => {
      try {
        return await client.call(method, params);
      } catch (err) {
        notify({ kind: 'error', title: failTitle, body: describeError(err) });
        return undefined;
      }
    },
    [client],
  );
}
