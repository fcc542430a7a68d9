import { type ReactNode, act } from 'react';
import { type Root, createRoot } from 'react-dom/client';
import { ClientContext } from '../../../src-renderer/client/context.js';
import type { TernClient } from '../../../src-renderer/client/types.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Rendered {
  container: HTMLElement;
  unmount(): Promise<void>;
}

const mounted: Rendered[] = [];

/** renders into a fresh div, inside the client context when a client is given */
export async function render(ui: ReactNode, client?: TernClient): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  let root: Root;
  await act(async () => {
    root = createRoot(container);
    root.render(client ? <ClientContext.Provider value={client}>{ui}</ClientContext.Provider> : ui);
  });
  const r = {
    container,
    async unmount() {
      await act(async () => root.unmount());
      container.remove();
    },
  };
  mounted.push(r);
  return r;
}

export async function cleanup(): Promise<void> {
  for (const r of mounted.splice(0)) await r.unmount();
}

/** sets an input's value the way React notices, then fires input */
export async function type(input: HTMLInputElement, value: string): Promise<void> {
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function click(el: Element, init: MouseEventInit = {}): Promise<void> {
  await act(async () => {
    el.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, button: 0, ...init }));
    el.dispatchEvent(new MouseEvent('mouseup', { bubbles: true, button: 0, ...init }));
    el.dispatchEvent(new MouseEvent('click', { bubbles: true, button: 0, ...init }));
  });
}

export async function flush(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

export function $(container: ParentNode, selector: string): HTMLElement {
  const el = container.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`no ${selector}`);
  return el;
}
