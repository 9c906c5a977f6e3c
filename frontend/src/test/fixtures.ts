// Test data shaped exactly like the API's schemas (the types come from schema.d.ts).
import type {
  Account,
  BatchEntryPreview,
  BatchPreview,
  ImportPlaylistPreview,
  ImportPreview,
  Job,
  Paste,
  PasteLine,
  Playlist,
  PlaylistItem,
  SessionInfo,
} from '../api/client';
import type { EditPreview, Track } from '../lib/edit';

export function playlist(overrides: Partial<Playlist> = {}): Playlist {
  const id = overrides.id ?? `pl${Math.random().toString(36).slice(2, 10)}`;
  return {
    account_id: 1,
    id,
    name: `Playlist ${id}`,
    description: '',
    owner_id: 'demo-pro',
    owner_name: 'Demo Pro',
    owned: true,
    public: true,
    collaborative: false,
    snapshot_id: 'snap',
    track_count: 10,
    stored_track_count: 10,
    items_readable: true,
    image_url: null,
    synced_at: '2026-03-01T10:00:00Z',
    tags: [],
    read_only_reason: null,
    ...overrides,
  };
}

export function account(overrides: Partial<Account> = {}): Account {
  return {
    id: 1,
    spotify_user_id: 'demo-pro',
    display_name: 'Demo Pro',
    status: 'active',
    authorized_at: '2026-01-01T00:00:00Z',
    authorization_expires_at: '2026-07-01T00:00:00Z',
    days_until_expiry: 120,
    expiry_warning: false,
    last_synced_at: null,
    playlist_count: 3,
    syncing: false,
    last_sync_failure: null,
    ...overrides,
  };
}

export function items(count: number): PlaylistItem[] {
  return Array.from({ length: count }, (_, i) => ({
    position: i,
    uri: `spotify:track:t${i}`,
    name: `Track ${i + 1}`,
    artists: [`Artist ${i % 97}`],
    album: `Album ${i % 13}`,
    duration_ms: 180_000 + (i % 60) * 1000,
    added_at: '2026-02-03T12:00:00Z',
    added_by: 'demo-pro',
    is_local: false,
    unavailable: false,
  }));
}

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: 'job-1',
    kind: 'sync_account',
    account_id: 1,
    playlist_id: null,
    state: 'running',
    done: 10,
    total: 40,
    unit: 'playlists',
    message: 'Reading playlists',
    attempts: 1,
    created_at: '2026-03-01T10:00:00Z',
    run_at: '2026-03-01T10:00:00Z',
    started_at: '2026-03-01T10:00:01Z',
    finished_at: null,
    error: null,
    cancel_requested: false,
    api: { calls: 12, check_reads: 0, retries: 0, rate_limited: 0, waited_ms: 0 },
    ...overrides,
  };
}

export function sessionInfo(role: SessionInfo['user']['role'] = 'admin'): SessionInfo {
  return {
    user: { id: 1, username: 'alice', role, created_at: '2026-01-01T00:00:00Z' },
    csrf_token: 'csrf-123',
    expires_at: '2026-04-01T00:00:00Z',
  };
}

/** An edit preview that changes nothing in particular; tests set what they look at. */
export function editPreview(overrides: Partial<EditPreview> = {}): EditPreview {
  return {
    strategy: 'edit',
    planned_snapshot: 's1',
    item_count: 5,
    desired: [],
    added: [],
    removed: [],
    moved: [],
    reinserted: [],
    details: [],
    calls: 1,
    added_at_lost: 0,
    move_lower_bound: 0,
    replace_everything: { possible: true, impossible_because: '', calls: 1, added_at_lost: 5 },
    seed: null,
    ...overrides,
  };
}

/** A batch preview of one changed playlist; tests set what they look at. */
export function batchPreview(overrides: Partial<BatchPreview> = {}): BatchPreview {
  return {
    summary: 'add 1 track at the bottom',
    entries: [batchEntry()],
    changed: 1,
    unchanged: 0,
    refused: 0,
    write_calls: 1,
    check_reads: 1,
    calls: 2,
    expected_seconds: 0.5,
    rate_budget: 120,
    seed: null,
    ...overrides,
  };
}

export function batchEntry(overrides: Partial<BatchEntryPreview> = {}): BatchEntryPreview {
  return {
    playlist_id: 'p1',
    name: 'Road Trip',
    status: 'change',
    reason: '',
    item_count: 10,
    added_count: 1,
    removed_count: 0,
    moved_count: 0,
    added: [{ uri: 'spotify:track:new', position: 10 }],
    removed: [],
    moved: [],
    details: [],
    calls: 2,
    added_at_lost: 0,
    ...overrides,
  };
}

/** A catalog track, as search and the matcher answer it. */
export function catalogTrack(id: string, overrides: Partial<Track> = {}): Track {
  return {
    uri: `spotify:track:${id}`,
    name: `Song ${id}`,
    artists: ['Band'],
    album: 'Record',
    album_image_url: '',
    duration_ms: 200_000,
    release_date: '2020',
    ...overrides,
  };
}

/** A line of a paste; a matched one with `track` set has its uri and a confidence. */
export function pasteLine(line: number, overrides: Partial<PasteLine> = {}): PasteLine {
  return {
    line,
    input: `Band - Song ${line}`,
    status: 'pending',
    uri: null,
    track: null,
    confidence: 0,
    candidates: [],
    source: 'none',
    reason: '',
    decision: 'none',
    seq: 0,
    ...overrides,
  };
}

/** A line the matcher matched to catalogTrack(id). */
export function matchedLine(line: number, id: string, seq: number, confidence = 0.97): PasteLine {
  const track = catalogTrack(id);
  return pasteLine(line, {
    status: 'matched',
    uri: track.uri,
    track,
    confidence,
    candidates: [{ track, score: confidence }],
    source: 'search',
    seq,
  });
}

export function paste(lines: PasteLine[], overrides: Partial<Paste> = {}): Paste {
  return {
    id: 'paste-1',
    account_id: 1,
    created_at: '2026-03-01T10:00:00Z',
    job_id: 'job-paste',
    line_count: lines.length,
    counts: {
      pending: 0,
      matched: 0,
      ambiguous: 0,
      not_found: 0,
      invalid: 0,
      accepted: 0,
      skipped: 0,
    },
    seq: Math.max(0, ...lines.map((l) => l.seq)),
    lines,
    ...overrides,
  };
}

/** One playlist of an import's preview: a change of Road Trip (p1). */
export function importPlaylist(
  overrides: Partial<ImportPlaylistPreview> = {},
): ImportPlaylistPreview {
  return {
    sheet: 'Road Trip',
    playlist_id: 'p1',
    name: 'Road Trip',
    status: 'change',
    reason: '',
    rows: 10,
    left_out: 0,
    entry: batchEntry(),
    tags: null,
    undecided: [],
    ...overrides,
  };
}

/** An import's preview of these playlists, matching done; tests set what they look at. */
export function importPreview(
  playlists: ImportPlaylistPreview[],
  overrides: Partial<ImportPreview> = {},
): ImportPreview {
  return {
    import: {
      id: 7,
      account_id: 1,
      file_name: 'plan.xlsx',
      created_at: '2026-03-01T10:00:00Z',
      paste_id: null,
      job_id: null,
      playlists: playlists.length,
      rows: 10,
      rows_to_match: 0,
    },
    matching: { done: 0, total: 0 },
    summary: '',
    playlists,
    issues: [],
    changed: 0,
    unchanged: 0,
    needs_decision: 0,
    refused: 0,
    unknown: 0,
    calls: 10,
    expected_seconds: 4,
    ...overrides,
  };
}
