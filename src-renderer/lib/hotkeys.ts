import { useEffect, useRef } from 'react';

/**
 * Page-wide keyboard shortcuts. A combo is "Ctrl+Shift+K", "Alt+1", "?" or "b".
 * Single keys without modifiers are ignored while the trader types in a field.
 */
export type HotkeyMap = Record<string, (e: KeyboardEvent) => void>;

export function comboOf(e: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const mods: string[] = [];
  if (e.ctrlKey || e.metaKey) mods.push('Ctrl');
  if (e.altKey) mods.push('Alt');
  const modified = mods.length > 0;
  let key: string;
  // with a modifier, name the physical key: Alt+1 and Ctrl+Shift+K whatever the layout makes of them
  if (modified && /^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (modified && /^Digit\d$/.test(e.code)) key = e.code.slice(5);
  else key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (e.shiftKey && (modified || key.length > 1 || /^[a-z]$/.test(key))) mods.push('Shift');
  return [...mods, key].join('+');
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit'].includes(type);
  }
  // AG Grid's cell editors
  return target.closest('.ag-cell-inline-editing') !== null;
}

export function useHotkeys(map: HotkeyMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat) return;
      const combo = comboOf(e);
      const handler = ref.current[combo];
      if (!handler) return;
      const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
      if (plain && isTyping(e.target)) return;
      e.preventDefault();
      handler(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
