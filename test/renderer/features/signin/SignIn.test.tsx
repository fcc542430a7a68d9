// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { SignIn } from '../../../../src-renderer/features/signin/SignIn.js';
import { $, cleanup, render, type } from '../../helpers/render.js';

afterEach(cleanup);

describe('SignIn', () => {
  it('asks for the key in a password field that is never autofilled', async () => {
    const { container } = await render(<SignIn onSubmit={() => {}} />);
    const input = $(container, 'input[name="api-key"]') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(input.getAttribute('autocomplete')).toBe('off');
  });

  it('hands over the trimmed key', async () => {
    const keys: string[] = [];
    const { container } = await render(<SignIn onSubmit={(k) => keys.push(k)} message="Signed out." />);
    expect(container.textContent).toContain('Signed out.');
    await type($(container, 'input[name="api-key"]') as HTMLInputElement, '  tern_abc  ');
    await act(async () => {
      $(container, 'form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(keys).toEqual(['tern_abc']);
  });
});
