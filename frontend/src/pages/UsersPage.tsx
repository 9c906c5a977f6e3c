import { useState } from 'preact/hooks';
import { api, describeError, type Role, type User } from '../api/client';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { DataTable, ErrorNotice, FormError, Spinner } from '../components/ui';
import { formatDate } from '../lib/format';
import { useResource } from '../lib/resource';
import { session } from '../lib/session';
import { notify } from '../lib/toast';
import { MIN_PASSWORD } from './SetupPage';

const roles: { value: Role; label: string }[] = [
  { value: 'viewer', label: 'Viewer (read only)' },
  { value: 'editor', label: 'Editor (connect, sync, tag)' },
  { value: 'admin', label: 'Admin (everything, users too)' },
];

const USER_COLUMNS = [
  { label: 'Username' },
  { label: 'Role' },
  { label: 'Added', class: 'hide-sm' },
  { label: 'Actions', hidden: true },
];

const USERNAME_PATTERN = /^[A-Za-z0-9._@-]+$/;

/** Admins: list, add, change role, reset password, delete. */
export function UsersPage() {
  const me = session.value?.user;
  const {
    data: users,
    error: loadError,
    reload,
    mutate,
  } = useResource(async ({ signal }) => (await api.users({ signal })).users);
  const [resetFor, setResetFor] = useState<User | null>(null);
  const [deleteFor, setDeleteFor] = useState<User | null>(null);

  const changeRole = async (u: User, role: Role) => {
    try {
      const updated = await api.updateUser(u.id, { role });
      mutate((list) => list?.map((x) => (x.id === u.id ? updated : x)) ?? null);
      notify(`${u.username} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`, 'success');
    } catch (e) {
      notify(describeError(e), 'error');
      void reload();
    }
  };

  return (
    <div class="page">
      <div class="page-head">
        <h1>Users</h1>
        <p class="lead">
          People who can sign in to this plm. Each has their own Spotify connections.
        </p>
      </div>
      <AddUserForm onAdded={(u) => mutate((list) => (list ? [...list, u] : [u]))} />
      {loadError ? <ErrorNotice error={loadError} onRetry={reload} /> : null}
      {users === null && !loadError ? <Spinner label="Loading users…" /> : null}
      {users ? (
        <DataTable caption="Users" columns={USER_COLUMNS}>
          {users.map((u) => (
            <tr key={u.id}>
              <th scope="row">
                {u.username}
                {u.id === me?.id ? <span class="muted"> (you)</span> : null}
              </th>
              <td>
                <label class="visually-hidden" for={`role-${u.id}`}>
                  Role of {u.username}
                </label>
                <select
                  id={`role-${u.id}`}
                  class="input input-small"
                  value={u.role}
                  disabled={u.id === me?.id}
                  title={
                    u.id === me?.id
                      ? 'You cannot change your own role; another administrator can.'
                      : undefined
                  }
                  onChange={(e) => changeRole(u, e.currentTarget.value as Role)}
                >
                  {roles.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.value}
                    </option>
                  ))}
                </select>
              </td>
              <td class="hide-sm">{formatDate(u.created_at)}</td>
              <td class="row-actions">
                <button type="button" class="btn btn-small" onClick={() => setResetFor(u)}>
                  Reset password
                </button>
                <button
                  type="button"
                  class="btn btn-small btn-ghost-danger"
                  disabled={u.id === me?.id}
                  title={u.id === me?.id ? 'You cannot delete yourself' : undefined}
                  onClick={() => setDeleteFor(u)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {resetFor ? <ResetPasswordDialog user={resetFor} onClose={() => setResetFor(null)} /> : null}
      {deleteFor ? (
        <ConfirmDialog
          title={`Delete ${deleteFor.username}?`}
          confirmLabel="Delete user"
          danger
          onClose={() => setDeleteFor(null)}
          onConfirm={async () => {
            await api.deleteUser(deleteFor.id);
            mutate((list) => list?.filter((x) => x.id !== deleteFor.id) ?? null);
            notify(`${deleteFor.username} was deleted.`, 'success');
          }}
        >
          <p>
            This removes the user, their Spotify connections and everything plm stored for them
            (playlists, tags, jobs). Nothing changes on Spotify. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function AddUserForm({ onAdded }: { onAdded: (u: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const name = username.trim();
    if (!USERNAME_PATTERN.test(name))
      return setError('Usernames use letters, digits and . _ @ - only.');
    if (password.length < MIN_PASSWORD)
      return setError(`The password needs at least ${MIN_PASSWORD} characters.`);
    setBusy(true);
    setError(null);
    try {
      const user = await api.createUser({ username: name, password, role });
      onAdded(user);
      setUsername('');
      setPassword('');
      notify(`${user.username} was added. Give them their password in person.`, 'success');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card form-inline" onSubmit={submit} noValidate aria-labelledby="add-user-title">
      <h2 id="add-user-title">Add a user</h2>
      <div class="form-row">
        <div class="field">
          <label for="new-username">Username</label>
          <input
            id="new-username"
            class="input"
            autoComplete="off"
            autoCapitalize="off"
            spellcheck={false}
            maxLength={64}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="new-password">Password</label>
          <input
            id="new-password"
            class="input"
            type="password"
            autoComplete="new-password"
            minLength={MIN_PASSWORD}
            aria-describedby="new-password-hint"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <p id="new-password-hint" class="hint">
            At least {MIN_PASSWORD} characters.
          </p>
        </div>
        <div class="field">
          <label for="new-role">Role</label>
          <select
            id="new-role"
            class="input"
            value={role}
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            {roles.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field field-submit">
          <button type="submit" class="btn btn-primary" disabled={busy || !username || !password}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </div>
      <FormError error={error} />
    </form>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (password.length < MIN_PASSWORD)
      return setError(`The password needs at least ${MIN_PASSWORD} characters.`);
    setBusy(true);
    setError(null);
    try {
      await api.updateUser(user.id, { password });
      notify(`New password set for ${user.username}. Their sessions were signed out.`, 'success');
      onClose();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={`Reset the password of ${user.username}`}
      onClose={onClose}
      actions={
        <>
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" class="btn btn-primary" disabled={busy} onClick={() => submit()}>
            {busy ? 'Saving…' : 'Set password'}
          </button>
        </>
      }
    >
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="reset-password">New password</label>
          <input
            id="reset-password"
            class="input"
            type="password"
            autoComplete="new-password"
            data-autofocus
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <p class="hint">At least {MIN_PASSWORD} characters. Their other sessions end.</p>
        </div>
        <FormError error={error} />
      </form>
    </Dialog>
  );
}
