// The one place that talks HTTP to `plm serve`. Every call goes through send(): relative URLs
// resolved against document.baseURI (the app may live under a prefix), the CSRF header on writes,
// and the error shape {"error":{"code","message"}} mapped to ApiError.
import type { components, paths } from './schema';
import { parseRetryAfter } from '../lib/format';
import { resolveUrl } from '../lib/base-path';

type Schemas = components['schemas'];
export type User = Schemas['User'];
export type Role = Schemas['Role'];
export type SessionInfo = Schemas['SessionInfo'];
export type Account = Schemas['Account'];
export type Playlist = Schemas['Playlist'];
export type PlaylistItem = Schemas['PlaylistItem'];
export type PlaylistItems = Schemas['PlaylistItems'];
export type Job = Schemas['Job'];
export type JobKind = Schemas['JobKind'];
export type JobState = Schemas['JobState'];
export type JobUnit = Job['unit'];
export type JobDetails = Schemas['JobDetails'];
export type JobItem = Schemas['JobItem'];
export type JobEvent = Schemas['JobEvent'];
export type JobList = Schemas['JobList'];
/** The filters and paging of GET api/jobs. */
export type JobQuery = NonNullable<paths['/api/jobs']['get']['parameters']['query']>;
export type SpotifySetup = Schemas['SpotifySetup'];
export type PlaylistsChanged = Schemas['PlaylistsChanged'];
export type AccountsChanged = Schemas['AccountsChanged'];
export type SavedSelection = Schemas['SavedSelection'];

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Lower<M extends Method> = Lowercase<M>;

// Types of one operation, read from the generated schema.
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][Lower<M> & keyof paths[P]]>;
type Json<R> = R extends { content: { 'application/json': infer J } } ? J : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
type Success<R> = 200 extends keyof R
  ? Json<R[200]>
  : 201 extends keyof R
    ? Json<R[201]>
    : 202 extends keyof R
      ? Json<R[202]>
      : undefined;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B
    : never;
type PathParams<O> = O extends { parameters: { path: infer PP } }
  ? PP extends Record<string, unknown>
    ? PP
    : never
  : never;
type Query<O> = O extends { parameters: { query?: infer Q } }
  ? Q extends Record<string, unknown>
    ? Q
    : never
  : never;

export type SuccessOf<P extends keyof paths, M extends Method> = Success<Responses<Op<P, M>>>;

export interface SendOptions<P extends keyof paths, M extends Method> {
  path?: PathParams<Op<P, M>>;
  query?: Query<Op<P, M>>;
  body?: Body<Op<P, M>>;
  /** A 401 is expected (GET api/session at start, sign-in): don't send the user to the login page. */
  expect401?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Any answer that is not a 2xx, with the server's code and message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Seconds to wait (from Retry-After on 429/503), if the server said. */
  readonly retryAfter: number | null;
  constructor(status: number, code: string, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

// Module-level state: the CSRF token of the current session and what to do on a 401.
let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;
let forbiddenHandler: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}
export function getCsrfToken(): string | null {
  return csrfToken;
}
/** Called when a request answers 401 (the session ended): the app goes to the login page. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

/** For reads that expect a 401 themselves (re-reading the session): the session has ended. */
export function sessionEnded(): void {
  unauthorizedHandler?.();
}

/**
 * Called when a request answers 403 `forbidden`: the user's role may have changed since the
 * session was read, so the app re-reads it.
 */
export function onForbidden(handler: (() => void) | null): void {
  forbiddenHandler = handler;
}

/** The app's root URL: <base href> (which `plm serve` always writes), else the origin. */
function baseURI(): string {
  if (typeof document === 'undefined') return 'http://localhost/';
  return document.querySelector('base[href]') ? document.baseURI : `${window.location.origin}/`;
}

/** An absolute URL for a path relative to the app ("api/events"). */
export function apiUrl(relative: string): string {
  return resolveUrl(relative, baseURI());
}

/** "/api/accounts/{account_id}/sync" + {account_id: 3} -> "api/accounts/3/sync" (relative). */
export function buildPath(
  template: string,
  params?: Record<string, unknown>,
  query?: Record<string, unknown>,
): string {
  let path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  path = path.replace(/^\/+/, '');
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== null) q.set(k, String(v));
    const s = q.toString();
    if (s) path += `?${s}`;
  }
  return path;
}

const WRITES = new Set<Method>(['POST', 'PUT', 'PATCH', 'DELETE']);

async function toApiError(res: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  let code = 'http_' + res.status;
  let message = res.statusText || `The server answered ${res.status}.`;
  try {
    const data: unknown = await res.json();
    const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (err && typeof err.code === 'string') code = err.code;
    if (err && typeof err.message === 'string') message = err.message;
  } catch {
    // Not JSON (a proxy's error page): keep the status text.
  }
  return new ApiError(res.status, code, message, retryAfter);
}

/** The raw exchange: builds the request, adds headers, maps failures. Returns the Response on 2xx/304. */
export async function exchange(
  method: Method,
  relativePath: string,
  init: {
    body?: unknown;
    headers?: Record<string, string>;
    signal?: AbortSignal;
    expect401?: boolean;
  } = {},
): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...init.headers };
  let body: string | Blob | undefined;
  if (init.body instanceof Blob) {
    // A file sent as it is (a cover), with its own type.
    headers['Content-Type'] = init.body.type || 'application/octet-stream';
    body = init.body;
  } else if (init.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  if (WRITES.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(apiUrl(relativePath), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
      signal: init.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Cannot reach the plm server. Check your connection.');
  }
  if (res.ok || res.status === 304) {
    // A rotated session (after a password change) comes with its new CSRF token.
    const rotated = res.headers.get('X-CSRF-Token');
    if (rotated) csrfToken = rotated;
    return res;
  }
  const error = await toApiError(res);
  if (res.status === 401 && !init.expect401) unauthorizedHandler?.();
  if (res.status === 403 && error.code === 'forbidden') forbiddenHandler?.();
  throw error;
}

/** A typed call of one operation of the API contract. */
export async function send<P extends keyof paths, M extends Method>(
  method: M,
  template: P,
  opts: SendOptions<P, M> = {},
): Promise<SuccessOf<P, M>> {
  const relative = buildPath(
    template as string,
    opts.path as Record<string, unknown> | undefined,
    opts.query as Record<string, unknown> | undefined,
  );
  const res = await exchange(method, relative, opts);
  if (res.status === 204 || res.status === 304) return undefined as SuccessOf<P, M>;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as SuccessOf<P, M>;
}

/** Text for people, with the time to wait when the server gave one. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.retryAfter !== null && (e.status === 429 || e.status === 503)) {
      return `${e.message} ${waitSentence(e.retryAfter)}`;
    }
    return e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

function waitSentence(seconds: number): string {
  if (seconds < 60) return `Try again in ${Math.max(1, seconds)} s.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} min.`;
}

/** Options of a read: a signal to abort it (see lib/resource.ts). */
export interface Reading {
  signal?: AbortSignal;
}

// ---- The playlists list with its ETag (the list is re-read on every `playlists` event).

export type PlaylistList = Schemas['PlaylistList'];

export interface CachedList {
  etag: string | null;
  data: PlaylistList;
}

/** GET api/playlists with If-None-Match; returns `previous` unchanged on 304. */
export async function fetchPlaylists(
  previous: CachedList | null,
  opts: Reading = {},
): Promise<CachedList> {
  const headers: Record<string, string> = {};
  if (previous?.etag) headers['If-None-Match'] = previous.etag;
  const res = await exchange('GET', 'api/playlists', { headers, signal: opts.signal });
  if (res.status === 304 && previous) return previous;
  const data = (await res.json()) as PlaylistList;
  return { etag: res.headers.get('ETag'), data };
}

// ---- Named calls, for readability at the call sites.

export const api = {
  setupStatus: () => send('GET', '/api/setup'),
  completeSetup: (body: Schemas['SetupRequest']) => send('POST', '/api/setup', { body }),
  session: () => send('GET', '/api/session', { expect401: true }),
  signIn: (body: Schemas['LoginRequest']) =>
    send('POST', '/api/session', { body, expect401: true }),
  signOut: () => send('DELETE', '/api/session', { expect401: true }),
  changePassword: (body: Schemas['PasswordChange']) => send('POST', '/api/me/password', { body }),
  users: (opts: Reading = {}) => send('GET', '/api/users', opts),
  createUser: (body: Schemas['NewUser']) => send('POST', '/api/users', { body }),
  updateUser: (user_id: number, body: Schemas['UserPatch']) =>
    send('PATCH', '/api/users/{user_id}', { path: { user_id }, body }),
  deleteUser: (user_id: number) => send('DELETE', '/api/users/{user_id}', { path: { user_id } }),
  spotifySetup: (opts: Reading = {}) => send('GET', '/api/spotify/setup', opts),
  // Where a track is (the playlists page's contains-track filter) and saved selections.
  whereIsTrack: (uri: string, opts: Reading = {}) =>
    send('GET', '/api/where', { query: { uri }, ...opts }),
  listSelections: (opts: Reading = {}) => send('GET', '/api/selections', opts),
  saveSelection: (name: string, body: Schemas['SavedSelectionInput']) =>
    send('PUT', '/api/selections/{name}', { path: { name }, body }),
  deleteSelection: (name: string) => send('DELETE', '/api/selections/{name}', { path: { name } }),
  accounts: (opts: Reading = {}) => send('GET', '/api/accounts', opts),
  connectAccount: () => send('POST', '/api/accounts/connect'),
  disconnectAccount: (account_id: number) =>
    send('DELETE', '/api/accounts/{account_id}', { path: { account_id } }),
  syncAccount: (account_id: number) =>
    send('POST', '/api/accounts/{account_id}/sync', { path: { account_id } }),
  playlist: (account_id: number, playlist_id: string, opts: Reading = {}) =>
    send('GET', '/api/accounts/{account_id}/playlists/{playlist_id}', {
      path: { account_id, playlist_id },
      ...opts,
    }),
  playlistItems: (account_id: number, playlist_id: string, opts: Reading = {}) =>
    send('GET', '/api/accounts/{account_id}/playlists/{playlist_id}/items', {
      path: { account_id, playlist_id },
      ...opts,
    }),
  setTags: (account_id: number, playlist_id: string, tags: string[]) =>
    send('PUT', '/api/accounts/{account_id}/playlists/{playlist_id}/tags', {
      path: { account_id, playlist_id },
      body: { tags },
    }),
  syncPlaylist: (account_id: number, playlist_id: string) =>
    send('POST', '/api/accounts/{account_id}/playlists/{playlist_id}/sync', {
      path: { account_id, playlist_id },
    }),
  jobs: (query: JobQuery = {}, opts: Reading = {}) => send('GET', '/api/jobs', { query, ...opts }),
  job: (job_id: string, opts: Reading = {}) =>
    send('GET', '/api/jobs/{job_id}', { path: { job_id }, ...opts }),
  cancelJob: (job_id: string) => send('POST', '/api/jobs/{job_id}/cancel', { path: { job_id } }),
  previewEdit: (account_id: number, playlist_id: string, body: Schemas['EditRequest']) =>
    send('POST', '/api/accounts/{account_id}/playlists/{playlist_id}/edits/preview', {
      path: { account_id, playlist_id },
      body,
    }),
  applyEdit: (account_id: number, playlist_id: string, body: Schemas['EditRequest']) =>
    send('POST', '/api/accounts/{account_id}/playlists/{playlist_id}/edits', {
      path: { account_id, playlist_id },
      body,
    }),
  history: (
    account_id: number,
    playlist_id: string,
    query: HistoryQuery = {},
    opts: Reading = {},
  ) =>
    send('GET', '/api/accounts/{account_id}/playlists/{playlist_id}/history', {
      path: { account_id, playlist_id },
      query,
      ...opts,
    }),
  version: (
    account_id: number,
    playlist_id: string,
    version: number,
    against: number | undefined,
    opts: Reading = {},
  ) =>
    send('GET', '/api/accounts/{account_id}/playlists/{playlist_id}/history/{version}', {
      path: { account_id, playlist_id, version },
      query: { against },
      ...opts,
    }),
  // Create and split answer 200 with a preview on `dry_run`, else 202 with the job.
  previewCreate: (account_id: number, body: Schemas['CreatePlaylistRequest']) =>
    send('POST', '/api/accounts/{account_id}/playlists', {
      path: { account_id },
      body: { ...body, dry_run: true },
    }),
  createPlaylist: async (account_id: number, body: Schemas['CreatePlaylistRequest']) =>
    (await send('POST', '/api/accounts/{account_id}/playlists', {
      path: { account_id },
      body: { ...body, dry_run: false },
    })) as unknown as Job,
  previewSplit: (account_id: number, playlist_id: string, body: Schemas['SplitRequest']) =>
    send('POST', '/api/accounts/{account_id}/playlists/{playlist_id}/split', {
      path: { account_id, playlist_id },
      body: { ...body, dry_run: true },
    }),
  splitPlaylist: async (account_id: number, playlist_id: string, body: Schemas['SplitRequest']) =>
    (await send('POST', '/api/accounts/{account_id}/playlists/{playlist_id}/split', {
      path: { account_id, playlist_id },
      body: { ...body, dry_run: false },
    })) as unknown as Job,
  deletePlaylist: (account_id: number, playlist_id: string) =>
    send('DELETE', '/api/accounts/{account_id}/playlists/{playlist_id}', {
      path: { account_id, playlist_id },
    }),
  /** PUT …/cover with the JPEG itself as the body (an edit_playlist job). */
  uploadCover: async (account_id: number, playlist_id: string, jpeg: Blob): Promise<Job> => {
    const path = buildPath('/api/accounts/{account_id}/playlists/{playlist_id}/cover', {
      account_id,
      playlist_id,
    });
    const res = await exchange('PUT', path, { body: new Blob([jpeg], { type: 'image/jpeg' }) });
    return (await res.json()) as Job;
  },
  searchTracks: (account_id: number, q: string, offset: number, opts: Reading = {}) =>
    send('GET', '/api/accounts/{account_id}/search', {
      path: { account_id },
      query: { q, offset, limit: 10 },
      ...opts,
    }),
  // Batches: a preview per playlist, then one batch_edit job; undo previews on `dry_run`.
  previewBatch: (account_id: number, body: BatchRequest) =>
    send('POST', '/api/accounts/{account_id}/batch/preview', { path: { account_id }, body }),
  runBatch: (account_id: number, body: BatchRequest) =>
    send('POST', '/api/accounts/{account_id}/batch', { path: { account_id }, body }),
  previewUndoBatch: async (job_id: string, playlist_ids?: string[]) =>
    (await send('POST', '/api/jobs/{job_id}/undo', {
      path: { job_id },
      body: { playlist_ids, dry_run: true },
    })) as unknown as BatchPreview,
  undoBatch: async (job_id: string, playlist_ids?: string[]) =>
    (await send('POST', '/api/jobs/{job_id}/undo', {
      path: { job_id },
      body: { playlist_ids, dry_run: false },
    })) as unknown as Job,
  findDuplicates: (account_id: number, body: PlaylistSelection) =>
    send('POST', '/api/accounts/{account_id}/duplicates', { path: { account_id }, body }),
  // Paste to add: the lines stored and matched by a match_paste job, read by `since` as they come.
  startPaste: (account_id: number, text: string) =>
    send('POST', '/api/accounts/{account_id}/pastes', { path: { account_id }, body: { text } }),
  paste: (paste_id: string, since: number | undefined, opts: Reading = {}) =>
    send('GET', '/api/pastes/{paste_id}', { path: { paste_id }, query: { since }, ...opts }),
  deletePaste: (paste_id: string) =>
    send('DELETE', '/api/pastes/{paste_id}', { path: { paste_id } }),
  decidePasteLine: (paste_id: string, line: number, body: PasteDecision) =>
    send('PUT', '/api/pastes/{paste_id}/lines/{line}', { path: { paste_id, line }, body }),
  // Import: the file itself as the body (octet-stream: a browser's type for .zip or .csv varies),
  // then the preview (polled while rows are matched) and the apply (a batch_edit job).
  startImport: async (account_id: number, file: Blob, file_name: string, playlist_id?: string) => {
    const path = buildPath(
      '/api/accounts/{account_id}/imports',
      { account_id },
      { file_name, playlist_id },
    );
    const body = new Blob([file], { type: 'application/octet-stream' });
    return (await (await exchange('POST', path, { body })).json()) as Import;
  },
  importPreview: (import_id: number, opts: Reading = {}) =>
    send('GET', '/api/imports/{import_id}/preview', { path: { import_id }, ...opts }),
  applyImport: (import_id: number, body: Schemas['ImportApplyRequest']) =>
    send('POST', '/api/imports/{import_id}/apply', { path: { import_id }, body }),
};

/**
 * GET …/export as a link (the session cookie goes with it; the file name comes from the server).
 * The selector's commas stay as they are: ids never need escaping, and a list of 1,000 ids must
 * stay within the server's 32 KiB request head.
 */
export function exportUrl(account_id: number, selector: string | null, format: 'xlsx' | 'csv') {
  const path = buildPath('/api/accounts/{account_id}/export', { account_id }, { format });
  if (selector === null) return apiUrl(path);
  const terms = selector.split(',').map(encodeURIComponent).join(',');
  return apiUrl(`${path}&playlists=${terms}`);
}

/** The filters and paging of GET …/history. */
export type HistoryQuery = NonNullable<
  paths['/api/accounts/{account_id}/playlists/{playlist_id}/history']['get']['parameters']['query']
>;
export type PlaylistVersion = Schemas['PlaylistVersion'];
export type CreatePlaylistRequest = Schemas['CreatePlaylistRequest'];
export type CreatePreview = Schemas['CreatePreview'];
export type SplitRequest = Schemas['SplitRequest'];
export type SplitPreview = Schemas['SplitPreview'];
export type PlaylistVersionDetails = Schemas['PlaylistVersionDetails'];
export type BatchOperation = Schemas['BatchOperation'];
export type BatchRequest = Schemas['BatchRequest'];
export type BatchPreview = Schemas['BatchPreview'];
export type BatchEntryPreview = Schemas['BatchEntryPreview'];
export type PlaylistSelection = Schemas['PlaylistSelection'];
export type DuplicateReport = Schemas['DuplicateReport'];
export type TrackWhere = Schemas['TrackWhere'];
export type Paste = Schemas['Paste'];
export type PasteLine = Schemas['PasteLine'];
export type PasteCandidate = Schemas['PasteCandidate'];
export type PasteDecision = Schemas['PasteDecision'];
export type Import = Schemas['Import'];
export type ImportPreview = Schemas['ImportPreview'];
export type ImportPlaylistPreview = Schemas['ImportPlaylistPreview'];
export type ImportIssue = Schemas['ImportIssue'];
export type ImportUndecidedRow = Schemas['ImportUndecidedRow'];
