// The signed-in user (shared by every page) and whether the first admin must still be created.
import { computed, signal } from '@preact/signals';
import { ApiError, api, setCsrfToken, type Role, type SessionInfo } from '../api/client';

export const session = signal<SessionInfo | null>(null);
export const needsSetup = signal(false);

export function setSession(info: SessionInfo | null): void {
  setCsrfToken(info?.csrf_token ?? null);
  session.value = info;
}

let refreshing: Promise<SessionInfo | null> | null = null;

/**
 * Re-reads the signed-in user (role, expiry, CSRF token) and stores it, so a changed role shows at
 * once. Resolves to null when the session has ended (401); rejects on other failures. Calls made
 * while one is under way share it.
 */
export function refreshSession(): Promise<SessionInfo | null> {
  refreshing ??= (async () => {
    try {
      const info = await api.session();
      // Signed out (or in as someone else) meanwhile: don't bring the old session back.
      if (session.value?.user.id === info.user.id) setSession(info);
      return info;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** Editors and admins may change things; viewers only read. */
export function canWrite(role: Role | undefined): boolean {
  return role === 'admin' || role === 'editor';
}

export const role = computed<Role | undefined>(() => session.value?.user.role);
export const mayWrite = computed(() => canWrite(role.value));
export const isAdmin = computed(() => role.value === 'admin');
