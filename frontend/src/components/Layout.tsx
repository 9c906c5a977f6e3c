import type { ComponentChildren } from 'preact';
import type { RouteName } from '../routes';
import { isAdmin, session } from '../lib/session';
import { useShortcut } from '../lib/shortcuts';
import { Link } from './Link';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { Toasts } from './Toasts';

interface Props {
  current: RouteName;
  onSignOut?: () => void;
  children: ComponentChildren;
}

const nav: { to: string; label: string; match: RouteName[]; admin?: boolean }[] = [
  {
    to: 'playlists',
    label: 'Playlists',
    match: ['playlists', 'playlist', 'playlist_history', 'home', 'where'],
  },
  { to: 'accounts', label: 'Accounts', match: ['accounts'] },
  { to: 'jobs', label: 'Jobs', match: ['jobs', 'job'] },
  { to: 'users', label: 'Users', match: ['users'], admin: true },
  { to: 'settings', label: 'Settings', match: ['settings'] },
];

/** The page frame: skip link, header with navigation and sign-out, main, notices. */
export function Layout({ current, onSignOut, children }: Props) {
  const user = session.value?.user;
  useShortcut('/', 'Go to the search or filter field', focusSearch, { scope: 'global' });
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <div class="app-header-inner">
          <Link to={user ? 'playlists' : 'login'} class="brand" aria-label="plm home">
            <span class="brand-mark" aria-hidden="true">
              ♫
            </span>
            <span>plm</span>
          </Link>
          {user ? (
            <nav aria-label="Main" class="main-nav">
              <ul>
                {nav
                  .filter((n) => !n.admin || isAdmin.value)
                  .map((n) => (
                    <li key={n.to}>
                      <Link
                        to={n.to}
                        class="nav-link"
                        aria-current={n.match.includes(current) ? 'page' : undefined}
                      >
                        {n.label}
                      </Link>
                    </li>
                  ))}
              </ul>
            </nav>
          ) : null}
          {user ? (
            <div class="user-menu">
              <span class="user-name" title={`Signed in as ${user.username} (${user.role})`}>
                {user.username}
                <span class="role-pill">{user.role}</span>
              </span>
              <button type="button" class="btn btn-small" onClick={onSignOut}>
                Sign out
              </button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" tabIndex={-1} class="app-main">
        {children}
      </main>
      <Toasts />
      <ShortcutsOverlay />
    </>
  );
}

/** `/`: the page's first search field (a page with another idea registers its own `/`). */
function focusSearch() {
  const field = document.querySelector<HTMLInputElement>('#main input[type="search"]');
  field?.focus();
  field?.select();
}
