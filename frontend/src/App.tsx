import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, apiUrl, onForbidden, onUnauthorized } from './api/client';
import { Layout } from './components/Layout';
import { ErrorNotice, HiddenPageTitle, Spinner } from './components/ui';
import { LiveConnection, bus } from './lib/events';
import {
  ACTIVE_STATES,
  endNotice,
  isActive,
  jobs,
  endIsQuiet,
  replaceJobs,
  upsertJob,
} from './lib/jobs';
import { useResource } from './lib/resource';
import { location, navigate } from './lib/router';
import { isAdmin, needsSetup, refreshSession, session, setSession } from './lib/session';
import { notify } from './lib/toast';
import { AccountsPage } from './pages/AccountsPage';
import { JobPage } from './pages/JobPage';
import { JobsPage } from './pages/JobsPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaylistPage } from './pages/PlaylistPage';
import { PlaylistsPage } from './pages/PlaylistsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SetupPage } from './pages/SetupPage';
import { UsersPage } from './pages/UsersPage';
import { matchRoute } from './routes';
import { lazyComponent } from './components/lazy';

// Pages most visits never open, each in its own chunk.
const HistoryPage = lazyComponent(
  async () => (await import('./pages/HistoryPage')).HistoryPage,
  'Loading the history…',
);
const WherePage = lazyComponent(
  async () => (await import('./pages/WherePage')).WherePage,
  'Loading…',
);

/** A safe place to go after signing in: a base-relative route of this app, never another site. */
export function safeNext(next: string | null): string {
  if (!next) return 'playlists';
  if (
    /^[a-z]/.test(next) &&
    !next.includes('//') &&
    !/^(login|setup)\b/.test(next) &&
    !next.includes(':')
  )
    return next;
  return 'playlists';
}

function currentRoute(): string {
  const loc = location.value;
  return loc.path + (loc.search ? `?${loc.search}` : '');
}

export function App() {
  const [phase, setPhase] = useState<'loading' | 'ready' | 'error'>('loading');
  const [bootError, setBootError] = useState<unknown>(null);
  const loc = location.value;
  const { route, params } = matchRoute(loc.path);
  const user = session.value?.user;

  const boot = async () => {
    setPhase('loading');
    try {
      const setup = await api.setupStatus();
      needsSetup.value = setup.needs_setup;
      if (!setup.needs_setup) {
        try {
          setSession(await api.session());
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 401)) throw e;
          setSession(null);
        }
      }
      setPhase('ready');
    } catch (e) {
      setBootError(e);
      setPhase('error');
    }
  };

  useEffect(() => {
    const ended = () => {
      if (!session.value) return;
      setSession(null);
      notify('Your session ended. Please sign in again.', 'info');
      navigate(`login?next=${encodeURIComponent(currentRoute())}`, { replace: true });
    };
    onUnauthorized(ended);
    // A 403 `forbidden` may mean the role was lowered: re-read it so the UI matches.
    onForbidden(() => {
      if (!session.value) return;
      refreshSession().then(
        (info) => {
          if (!info) ended();
        },
        () => undefined,
      );
    });
    void boot();
    return () => {
      onUnauthorized(null);
      onForbidden(null);
    };
  }, []);

  // The store of active jobs: read when signed in and after every reconnection, then fed by `job`
  // events.
  const userId = user?.id;
  const jobList = useResource(
    async ({ signal }) =>
      (await api.jobs({ state: ACTIVE_STATES.join(','), limit: 200 }, { signal })).jobs,
    {
      enabled: userId !== undefined,
      deps: [userId],
    },
  );
  useEffect(() => {
    if (jobList.data) replaceJobs(jobList.data);
  }, [jobList.data]);

  // One EventSource per signed-in tab.
  useEffect(() => {
    if (userId === undefined) return;
    const live = new LiveConnection({
      url: apiUrl('api/events'),
      bus,
      beforeReconnect: async () => {
        try {
          // Stored, so a role changed while disconnected shows (or hides) the right actions.
          if (await refreshSession()) return true;
          setSession(null);
          navigate(`login?next=${encodeURIComponent(currentRoute())}`, { replace: true });
          return false;
        } catch {
          return true; // the server is down: the next attempt will tell
        }
      },
    });
    const offJob = bus.on('job', (job) => {
      const before = jobs.value.get(job.id);
      upsertJob(job);
      if (before && isActive(before) && !isActive(job) && !endIsQuiet(job)) {
        const { text, kind } = endNotice(job);
        notify(text, kind);
      }
    });
    live.start();
    return () => {
      live.stop();
      offJob();
    };
  }, [userId]);

  // Where the current route may not be shown, go somewhere that may.
  let redirect: string | null = null;
  if (phase === 'ready') {
    const next = new URLSearchParams(loc.search).get('next');
    if (needsSetup.value) {
      if (route.name !== 'setup') redirect = 'setup';
    } else if (route.name === 'setup') {
      redirect = user ? 'playlists' : 'login';
    } else if (route.name === 'login') {
      if (user) redirect = safeNext(next);
    } else if (!user) {
      redirect = `login?next=${encodeURIComponent(currentRoute())}`;
    } else if (route.name === 'home') {
      redirect = 'playlists';
    }
  }
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  useEffect(() => {
    document.title = route.name === 'home' ? 'plm' : `${route.title} · plm`;
  }, [route.name]);

  // After an in-app navigation, move focus to the main region so screen readers start there.
  const lastPath = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (lastPath.current !== undefined && lastPath.current !== loc.path) {
      document.getElementById('main')?.focus({ preventScroll: false });
      window.scrollTo(0, 0);
    }
    lastPath.current = loc.path;
  }, [loc.path]);

  const signOut = async () => {
    try {
      await api.signOut();
    } catch {
      // Already signed out on the server: nothing to do.
    }
    setSession(null);
    replaceJobs([]);
    navigate('login', { replace: false });
  };

  let page;
  if (phase === 'loading')
    page = (
      <>
        <HiddenPageTitle>plm</HiddenPageTitle>
        <Spinner label="Starting plm…" />
      </>
    );
  else if (phase === 'error')
    page = (
      <>
        <HiddenPageTitle>plm</HiddenPageTitle>
        <ErrorNotice error={bootError} onRetry={boot} />
      </>
    );
  else if (redirect) page = null;
  else if (route.access === 'admin' && !isAdmin.value)
    page = (
      <div class="page">
        <h1>{route.title}</h1>
        <ErrorNotice error={new Error(`Only administrators can open ${route.title}.`)} />
      </div>
    );
  else {
    switch (route.name) {
      case 'setup':
        page = <SetupPage />;
        break;
      case 'login':
        page = <LoginPage next={safeNext(new URLSearchParams(loc.search).get('next'))} />;
        break;
      case 'playlists':
        page = <PlaylistsPage search={loc.search} />;
        break;
      case 'playlist':
        page = (
          <PlaylistPage
            key={`${params.accountId}/${params.playlistId}`}
            accountId={Number(params.accountId)}
            playlistId={params.playlistId ?? ''}
          />
        );
        break;
      case 'playlist_history':
        page = (
          <HistoryPage
            key={`${params.accountId}/${params.playlistId}`}
            accountId={Number(params.accountId)}
            playlistId={params.playlistId ?? ''}
          />
        );
        break;
      case 'accounts':
        page = <AccountsPage search={loc.search} />;
        break;
      case 'jobs':
        page = <JobsPage search={loc.search} />;
        break;
      case 'job':
        page = <JobPage key={params.jobId} jobId={params.jobId ?? ''} />;
        break;
      case 'where':
        page = <WherePage search={loc.search} />;
        break;
      case 'users':
        page = <UsersPage />;
        break;
      case 'settings':
        page = <SettingsPage />;
        break;
      case 'home':
        page = null;
        break;
      case 'not_found':
        page = <NotFoundPage />;
        break;
    }
  }

  return (
    <Layout current={route.name} onSignOut={signOut}>
      {page}
    </Layout>
  );
}
