// The signed-in user (shared by every page) and whether the first admin must still be created.
import { computed, signal } from '@preact/signals';
import { setCsrfToken, type Role, type SessionInfo } from '../api/client';

export const session = signal<SessionInfo | null>(null);
export const needsSetup = signal(false);

export function setSession(info: SessionInfo | null): void {
  setCsrfToken(info?.csrf_token ?? null);
  session.value = info;
}

/** Editors and admins may change things; viewers only read. */
export function canWrite(role: Role | undefined): boolean {
  return role === 'admin' || role === 'editor';
}

export const role = computed<Role | undefined>(() => session.value?.user.role);
export const mayWrite = computed(() => canWrite(role.value));
export const isAdmin = computed(() => role.value === 'admin');
