import { describe, expect, it } from 'vitest';
import { comboOf } from '../../../src-renderer/lib/hotkeys.js';

const key = (k: string, code: string, mods: Partial<Record<'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey', boolean>> = {}) => ({
  key: k,
  code,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('comboOf', () => {
  it('names modifier combos by the physical key, whatever the layout types', () => {
    expect(comboOf(key('K', 'KeyK', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+K');
    expect(comboOf(key('¡', 'Digit1', { altKey: true }))).toBe('Alt+1');
    expect(comboOf(key('k', 'KeyK', { metaKey: true, shiftKey: true }))).toBe('Ctrl+Shift+K');
  });

  it('names plain keys by the character typed', () => {
    expect(comboOf(key('b', 'KeyB'))).toBe('b');
    expect(comboOf(key('?', 'Slash', { shiftKey: true }))).toBe('?');
    expect(comboOf(key('B', 'KeyB', { shiftKey: true }))).toBe('Shift+b');
    expect(comboOf(key('Escape', 'Escape'))).toBe('Escape');
  });
});
