import { useEffect, useState } from 'preact/hooks';
import { api, describeError, type Account } from '../api/client';
import { AccountCard } from '../components/AccountCard';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { SpotifySetupPanel } from '../components/SpotifySetupPanel';
import { EmptyState, ErrorNotice, Spinner } from '../components/ui';
import { activeAccountJob, isActive, jobs, upsertJob } from '../lib/jobs';
import { useResource } from '../lib/resource';
import { setSearch } from '../lib/router';
import { mayWrite } from '../lib/session';
import { notify } from '../lib/toast';

/** Messages for the `?error=CODE` the OAuth callback sends back. */
export const connectErrors: Record<string, string> = {
  access_denied: 'You cancelled on Spotify’s page, so nothing was connected.',
  invalid_state:
    'That connection attempt expired or was already used. Start again with “Connect a Spotify account”.',
  exchange_failed:
    'Spotify did not accept the authorization. Check the client ID and the redirect URI below, then try again.',
  not_signed_in: 'You were signed out while on Spotify’s page. Sign in and connect again.',
  forbidden: 'Your role no longer allows connecting Spotify accounts; ask an administrator.',
};

export function connectNotice(search: string): { kind: 'success' | 'error'; text: string } | null {
  const p = new URLSearchParams(search);
  if (p.has('connected')) {
    return {
      kind: 'success',
      text: 'Spotify account connected. Sync it to read its playlists.',
    };
  }
  const code = p.get('error');
  if (code) {
    return {
      kind: 'error',
      // Own keys only: `?error=constructor` must not read Object.prototype.
      text: Object.hasOwn(connectErrors, code)
        ? connectErrors[code]!
        : `Connecting to Spotify failed (${code.slice(0, 40)}). Please try again.`,
    };
  }
  return null;
}

/** Starts the OAuth dance: the server answers where to send the browser. */
export async function startConnect(): Promise<void> {
  const { authorize_url } = await api.connectAccount();
  window.location.assign(authorize_url);
}

export function AccountsPage({ search }: { search: string }) {
  const { data, error, reload, mutate } = useResource(
    async ({ signal }) => {
      const [a, setup] = await Promise.all([
        api.accounts({ signal }),
        api.spotifySetup({ signal }),
      ]);
      return { accounts: a.accounts, setup };
    },
    // A finished sync changes the playlist count and the last-synced time.
    { refreshOn: ['accounts', { on: 'job', when: (job) => !isActive(job) }] },
  );
  const accounts = data?.accounts ?? null;
  const setup = data?.setup ?? null;
  const [busyId, setBusyId] = useState<number | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [confirmFor, setConfirmFor] = useState<Account | null>(null);
  // The callback's result, kept after the query is cleaned from the address bar.
  const [notice, setNotice] = useState(() => connectNotice(search));
  const [connectedId] = useState(() => new URLSearchParams(search).get('connected'));

  useEffect(() => {
    if (notice) setSearch('');
  }, []);

  const allJobs = jobs.value;
  const canWrite = mayWrite.value;

  const connect = async () => {
    setConnecting(true);
    try {
      await startConnect();
    } catch (e) {
      notify(describeError(e), 'error');
      setConnecting(false);
    }
  };

  const sync = async (a: Account) => {
    setBusyId(a.id);
    try {
      upsertJob(await api.syncAccount(a.id));
    } catch (e) {
      notify(describeError(e), 'error');
    } finally {
      setBusyId(null);
    }
  };

  const setupNeedsAttention =
    setup !== null && (!setup.client_id_configured || setup.redirect_uri_problems.length > 0);
  const connectButton = canWrite ? (
    <button
      type="button"
      class="btn btn-primary"
      onClick={connect}
      disabled={connecting || (setup !== null && !setup.client_id_configured)}
    >
      {connecting ? 'Opening Spotify…' : 'Connect a Spotify account'}
    </button>
  ) : null;

  return (
    <div class="page">
      <div class="page-head page-head-row">
        <div>
          <h1>Spotify accounts</h1>
          <p class="lead">The Spotify accounts whose playlists plm keeps for you.</p>
        </div>
        {accounts && accounts.length > 0 ? connectButton : null}
      </div>

      {notice ? (
        <div
          class={`notice ${notice.kind === 'success' ? 'notice-success' : 'notice-error'}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="connect-notice"
        >
          <p>{notice.text}</p>
          <button
            type="button"
            class="icon-btn"
            aria-label="Dismiss"
            onClick={() => setNotice(null)}
          >
            ×
          </button>
        </div>
      ) : null}

      {error ? <ErrorNotice error={error} onRetry={reload} /> : null}
      {accounts === null && !error ? <Spinner label="Loading accounts…" /> : null}

      {setup && setupNeedsAttention ? <SpotifySetupPanel setup={setup} /> : null}

      {accounts && accounts.length === 0 ? (
        <EmptyState title="No Spotify account connected yet">
          <p>
            Connect the Spotify account whose playlists you manage. You will approve access on
            Spotify’s own page and come straight back here.
          </p>
          {connectButton ?? <p class="muted">Ask an editor or administrator to connect one.</p>}
        </EmptyState>
      ) : null}

      {accounts && accounts.length > 0 ? (
        <div class="account-grid">
          {accounts.map((a) => (
            <AccountCard
              key={a.id}
              account={a}
              highlight={String(a.id) === connectedId}
              job={activeAccountJob(allJobs, a.id)}
              canWrite={canWrite}
              busy={busyId === a.id || connecting}
              onSync={() => sync(a)}
              onReconnect={connect}
              onDisconnect={() => setConfirmFor(a)}
            />
          ))}
        </div>
      ) : null}
      {setup && !setupNeedsAttention ? <SpotifySetupPanel setup={setup} /> : null}

      {confirmFor ? (
        <ConfirmDialog
          title={`Disconnect ${confirmFor.display_name || confirmFor.spotify_user_id}?`}
          confirmLabel="Disconnect"
          danger
          onClose={() => setConfirmFor(null)}
          onConfirm={async () => {
            await api.disconnectAccount(confirmFor.id);
            mutate(
              (d) => d && { ...d, accounts: d.accounts.filter((x) => x.id !== confirmFor.id) },
            );
            notify('Account disconnected.', 'success');
          }}
        >
          <p>
            plm forgets this connection, its tokens and the playlists and tags it stored for it.
          </p>
          <p>
            <strong>Nothing changes on Spotify:</strong> your playlists stay exactly as they are.
            You can connect the account again at any time.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
