import { act, fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { ShortcutsOverlay } from '../components/ShortcutsOverlay';
import {
  dispatchShortcut,
  isTypingTarget,
  keyLabel,
  listShortcuts,
  registerShortcut,
  shortcuts,
  useShortcut,
} from './shortcuts';

function press(key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

describe('shortcuts registry', () => {
  it('runs the registered handler and stops listing it once removed', () => {
    const run = vi.fn();
    const off = registerShortcut('j', 'Next row', run);
    expect(press('j').defaultPrevented).toBe(true);
    expect(run).toHaveBeenCalledTimes(1);
    off();
    press('j');
    expect(run).toHaveBeenCalledTimes(1);
    expect(shortcuts.value).toEqual([]);
  });

  it('leaves keys typed into fields to the field, except Escape', () => {
    const slash = vi.fn();
    const escape = vi.fn();
    const offs = [
      registerShortcut('/', 'Search', slash),
      registerShortcut('Escape', 'Clear', escape),
    ];
    document.body.innerHTML =
      '<input id="t"><textarea id="a"></textarea><div contenteditable="true"><span id="c">x</span></div><input id="box" type="checkbox">';
    for (const id of ['t', 'a', 'c']) press('/', document.getElementById(id)!);
    expect(slash).not.toHaveBeenCalled();
    press('Escape', document.getElementById('t')!);
    expect(escape).toHaveBeenCalledTimes(1);
    // A checkbox takes no text: the shortcut still works from it.
    press('/', document.getElementById('box')!);
    expect(slash).toHaveBeenCalledTimes(1);
    offs.forEach((off) => off());
    document.body.innerHTML = '';
  });

  it('knows which targets take text', () => {
    const input = document.createElement('input');
    const search = Object.assign(document.createElement('input'), { type: 'search' });
    const radio = Object.assign(document.createElement('input'), { type: 'radio' });
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(search)).toBe(true);
    expect(isTypingTarget(radio)).toBe(false);
    expect(isTypingTarget(document.createElement('select'))).toBe(true);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });

  it('matches "?" whether or not Shift is reported, and modifiers exactly', () => {
    const help = vi.fn();
    const palette = vi.fn();
    const offs = [registerShortcut('?', 'Help', help), registerShortcut('Ctrl+k', 'Find', palette)];
    press('?', document.body, { shiftKey: true });
    expect(help).toHaveBeenCalledTimes(1);
    press('k');
    expect(palette).not.toHaveBeenCalled();
    press('k', document.body, { ctrlKey: true });
    expect(palette).toHaveBeenCalledTimes(1);
    // A browser's own Ctrl+/ or Alt+? stays the browser's.
    press('?', document.body, { altKey: true });
    expect(help).toHaveBeenCalledTimes(1);
    offs.forEach((off) => off());
  });

  it('prefers page shortcuts over global ones, and the newest of a scope', () => {
    const global = vi.fn();
    const older = vi.fn();
    const newer = vi.fn();
    const offs = [
      registerShortcut('/', 'Global search', global, 'global'),
      registerShortcut('/', 'Older page search', older, 'page'),
      registerShortcut('/', 'Newer page search', newer, 'page'),
    ];
    press('/');
    expect([global, older, newer].map((f) => f.mock.calls.length)).toEqual([0, 0, 1]);
    const listed = listShortcuts();
    expect(listed.page.map((s) => s.description)).toEqual(['Newer page search']);
    expect(listed.global).toEqual([]);
    offs[2]!();
    press('/');
    expect(older).toHaveBeenCalledTimes(1);
    offs.forEach((off) => off());
  });

  it('stays quiet while a modal dialog is open or when a component handled the key', () => {
    const run = vi.fn();
    const off = registerShortcut('j', 'Next', run);
    document.body.innerHTML =
      '<div role="dialog" aria-modal="true"><button id="b">x</button></div>';
    press('j', document.getElementById('b')!);
    document.body.innerHTML = '';
    const handled = new KeyboardEvent('keydown', { key: 'j', cancelable: true });
    handled.preventDefault();
    expect(dispatchShortcut(handled)).toBe(false);
    expect(run).not.toHaveBeenCalled();
    off();
  });

  it('labels keys for people', () => {
    expect(keyLabel('Ctrl+k')).toEqual(['Ctrl', 'k']);
    expect(keyLabel(' ')).toEqual(['Space']);
  });
});

function Page() {
  useShortcut('j', 'Move to the next playlist', () => undefined);
  return <button type="button">opener</button>;
}

describe('the ? overlay', () => {
  it('lists the page and global shortcuts, closes on Escape and gives focus back', () => {
    render(
      <>
        <Page />
        <ShortcutsOverlay />
      </>,
    );
    const opener = screen.getByRole('button', { name: 'opener' });
    opener.focus();
    act(() => void press('?', opener, { shiftKey: true }));
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('On this page');
    expect(dialog.textContent).toContain('Move to the next playlist');
    expect(dialog.textContent).toContain('Show keyboard shortcuts');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
