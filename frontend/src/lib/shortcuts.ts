// The registry of keyboard shortcuts: one keydown listener on the document dispatches to what
// pages and components registered, and the `?` overlay (components/ShortcutsOverlay.tsx) lists it.
//
// Rules:
// - A key is `e.key` ("?", "/", "j", "Escape", "ArrowDown"), optionally prefixed by modifiers:
//   "Ctrl+k", "Alt+ArrowUp", "Meta+Enter". Shift is not a modifier here: it is already in the
//   character ("?" is Shift+/ on most layouts), so "?" matches with or without it.
// - Keys typed into a field (input, textarea, select, contenteditable) belong to the field: only
//   Escape reaches the registry from there.
// - While a modal dialog is open it owns the keyboard: no shortcut fires.
// - An event a component already handled (defaultPrevented) is left alone.
// - Page shortcuts win over global ones; among the same scope, the latest registered wins (the
//   component mounted last is the one in front).
import { signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';

/** `global`: everywhere (the overlay lists them last); `page`: the current page's own. */
export type ShortcutScope = 'global' | 'page';

export interface Shortcut {
  readonly id: number;
  readonly key: string;
  readonly description: string;
  readonly scope: ShortcutScope;
  readonly handler: (e: KeyboardEvent) => void;
}

export interface ShortcutOptions {
  scope?: ShortcutScope;
  /** false registers nothing (a shortcut that only applies in some state). */
  enabled?: boolean;
}

/** What is registered now, in registration order (the overlay reads it). */
export const shortcuts = signal<readonly Shortcut[]>([]);
let nextId = 1;
let listening: Document | null = null;

/** Registers a shortcut; returns the function that removes it. */
export function registerShortcut(
  key: string,
  description: string,
  handler: (e: KeyboardEvent) => void,
  scope: ShortcutScope = 'page',
): () => void {
  const entry: Shortcut = { id: nextId++, key, description, scope, handler };
  shortcuts.value = [...shortcuts.value, entry];
  listen();
  return () => {
    shortcuts.value = shortcuts.value.filter((s) => s.id !== entry.id);
    if (shortcuts.value.length === 0) unlisten();
  };
}

/**
 * Registers `handler` for `key` while the component is mounted. The handler may change between
 * renders without re-registering (the latest one runs).
 */
export function useShortcut(
  key: string,
  description: string,
  handler: (e: KeyboardEvent) => void,
  options: ShortcutOptions = {},
): void {
  const latest = useRef(handler);
  latest.current = handler;
  const scope = options.scope ?? 'page';
  const enabled = options.enabled ?? true;
  useEffect(() => {
    if (!enabled) return undefined;
    return registerShortcut(key, description, (e) => latest.current(e), scope);
  }, [key, description, scope, enabled]);
}

/** The shortcuts to list, page ones first, each key once (the one that would fire). */
export function listShortcuts(all: readonly Shortcut[] = shortcuts.value): {
  page: Shortcut[];
  global: Shortcut[];
} {
  const seen = new Set<string>();
  const winners: Shortcut[] = [];
  for (const s of ordered(all)) {
    const k = normalizeKey(s.key);
    if (seen.has(k)) continue;
    seen.add(k);
    winners.push(s);
  }
  const byRegistration = (a: Shortcut, b: Shortcut) => a.id - b.id;
  return {
    page: winners.filter((s) => s.scope === 'page').sort(byRegistration),
    global: winners.filter((s) => s.scope === 'global').sort(byRegistration),
  };
}

/**
 * Runs the shortcut `e` asks for, if any may fire. Returns whether one ran (it then prevented the
 * default: "/" must not be typed into the field it focuses).
 */
export function dispatchShortcut(e: KeyboardEvent, all: readonly Shortcut[] = shortcuts.value) {
  if (e.defaultPrevented || e.isComposing) return false;
  if (e.key !== 'Escape' && isTypingTarget(e.target)) return false;
  if (document.querySelector('[aria-modal="true"]')) return false;
  const pressed = eventKey(e);
  const match = ordered(all).find((s) => normalizeKey(s.key) === pressed);
  if (!match) return false;
  e.preventDefault();
  match.handler(e);
  return true;
}

/** Whether keys typed at `target` are text for a field rather than commands. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLInputElement) {
    // Buttons and boxes take no text: a shortcut from a checkbox is still a shortcut.
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(
      target.type,
    );
  }
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLElement && (target.isContentEditable || editableAncestor(target));
}

/** How a shortcut's key reads to people: "Ctrl+k" → "Ctrl K", " " → "Space". */
export function keyLabel(key: string): string[] {
  return key.split('+').map((part) => (part === ' ' || part === '' ? 'Space' : part));
}

function editableAncestor(el: HTMLElement): boolean {
  // happy-dom and older engines do not compute isContentEditable for descendants.
  const host = el.closest('[contenteditable]');
  return host !== null && host.getAttribute('contenteditable') !== 'false';
}

/** Page shortcuts first, each scope newest first: the order in which a key is looked up. */
function ordered(all: readonly Shortcut[]): Shortcut[] {
  const rank = (s: Shortcut) => (s.scope === 'page' ? 0 : 1);
  return [...all].sort((a, b) => rank(a) - rank(b) || b.id - a.id);
}

const MODIFIERS = ['Ctrl', 'Alt', 'Meta'] as const;

function normalizeKey(key: string): string {
  const parts = key === '+' ? ['+'] : key.split('+');
  const base = parts.pop() || '+';
  const mods = MODIFIERS.filter((m) => parts.some((p) => p.toLowerCase() === m.toLowerCase()));
  return [...mods, base.length === 1 ? base : base.toLowerCase()].join('+');
}

function eventKey(e: KeyboardEvent): string {
  const mods = MODIFIERS.filter(
    (m) => (m === 'Ctrl' && e.ctrlKey) || (m === 'Alt' && e.altKey) || (m === 'Meta' && e.metaKey),
  );
  return [...mods, e.key.length === 1 ? e.key : e.key.toLowerCase()].join('+');
}

function onKeyDown(e: KeyboardEvent) {
  dispatchShortcut(e);
}

function listen() {
  if (listening || typeof document === 'undefined') return;
  listening = document;
  document.addEventListener('keydown', onKeyDown);
}

function unlisten() {
  listening?.removeEventListener('keydown', onKeyDown);
  listening = null;
}
