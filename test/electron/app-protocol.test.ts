import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAppFile } from '../../src-main/electron/app-protocol.js';

const dir = resolve('/opt/tern/out/renderer');

describe('app protocol file mapping', () => {
  it('serves index.html for the bare origin', () => {
    expect(resolveAppFile(dir, 'tern://app/')).toBe(join(dir, 'index.html'));
    expect(resolveAppFile(dir, 'tern://app')).toBe(join(dir, 'index.html'));
  });

  it('maps paths inside the renderer folder, ignoring query and hash', () => {
    expect(resolveAppFile(dir, 'tern://app/assets/index-abc.js?v=1#x')).toBe(join(dir, 'assets', 'index-abc.js'));
  });

  it.each(['tern://app/../../etc/passwd', 'tern://app/%2e%2e/%2e%2e/etc/passwd', 'tern://app/assets/..%2f..%2f..%2fetc%2fpasswd'])(
    'never leaves the renderer folder for %s',
    (url) => {
      const file = resolveAppFile(dir, url);
      expect(file === null || file.startsWith(dir + sep)).toBe(true);
    },
  );

  it.each([
    'tern://app/a%5c..%5c..%5csecret',
    'tern://app/x%00.js',
    'tern://app/%E0%A4%A',
    'tern://evil/index.html',
    'https://app/index.html',
    'nonsense',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(dir, url)).toBeNull();
  });

  it('names the content type of each asset kind, falling back to octet-stream', () => {
    expect(contentTypeFor('a/index.html')).toMatch(/^text\/html/);
    expect(contentTypeFor('a/x.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('a/x.CSS')).toMatch(/^text\/css/);
    expect(contentTypeFor('a/x.bin')).toBe('application/octet-stream');
  });
});
