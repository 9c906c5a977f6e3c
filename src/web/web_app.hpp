#pragma once
/// plm::web — the JSON API of `plm serve` (api/openapi.yaml), its sessions, live events, the jobs
/// API and the single-page app's static files, as one plain function `Response handle(const
/// Request&)` that http::Server runs. It depends on plm::core and plm::http only: adapters (the
/// Spotify client, libsodium, the database) arrive through the ports and the small interfaces
/// below, which src/app wires (app::make_web_app).
///
/// Thread safety: handle() may be called from any number of threads at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/batch/batch_requests.hpp"
#include "core/edit/edit_request.hpp"
#include "core/edit/playlist_lifecycle.hpp"
#include "core/jobs/job.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/import_store.hpp"
#include "core/ports/job_queue.hpp"
#include "core/ports/match_store.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"
#include "http/message.hpp"

namespace plm::web {

/// What the web app needs of Spotify: the OAuth authorization (PKCE + state) and a client for one
/// connected account. Implemented in src/app over plm::spotify; faked in unit tests.
class SpotifyConnector {
 public:
  struct Authorization {
    std::string url;            ///< where to send the browser
    std::string state;          ///< unguessable, ties the callback to this request
    std::string code_verifier;  ///< PKCE secret: kept server-side only
  };
  virtual ~SpotifyConnector() = default;
  /// The configured client ID; empty when none is configured (connecting is then impossible).
  virtual std::string client_id() const = 0;
  /// InvalidInput when no client ID is configured.
  virtual core::Result<Authorization> begin(const std::string& redirect_uri) = 0;
  /// A newly authorized account, before it is stored.
  struct Connection {
    core::AccountTokens tokens;  ///< to store (authorized_at = now; refreshed if it had to be)
    core::SpotifyProfile profile;
  };
  /// Exchanges the authorization code for tokens and reads whose they are. Writes nothing: the
  /// caller stores the account with these tokens.
  virtual core::Result<Connection> finish(const std::string& code, const std::string& redirect_uri,
                                          const std::string& code_verifier) = 0;
  /// A client for the stored `account` that stores refreshed tokens and marks refused accounts
  /// NeedsReauth.
  virtual std::unique_ptr<core::SpotifyApi> spotify_for(const core::SpotifyAccount& account) = 0;
};

/// Password hashing and secret tokens, injected so that plm::web needs no crypto library (src/app
/// wires plm::security and libsodium; see docs/web.md).
struct Crypto {
  std::function<std::string(std::string_view password)> hash_password;
  std::function<bool(std::string_view hash, std::string_view password)> verify_password;
  /// A fresh unguessable token (32 random bytes, URL-safe text) for cookies, CSRF, setup codes.
  std::function<std::string()> random_token;
  /// A one-way digest of a session token: only this is stored, so a database leak opens no session.
  std::function<std::string(std::string_view token)> token_digest;
};

/// An edit of one playlist that a route asks for (POST …/edits, PUT …/cover): an edit_playlist
/// job, whose payload src/app writes.
struct PlaylistEditJob {
  std::int64_t owner_user_id = 0;
  std::int64_t account_id = 0;
  std::string playlist_id;
  /// The snapshot of the items the request was made against (the job re-plans or stops with a
  /// conflict when the playlist changed since).
  std::string planned_snapshot;
  core::EditRequest request;
  core::VersionCause cause;  ///< recorded with the version the edit makes
};

/// What the web app asks of background work beyond reading the queue: the jobs its routes start
/// (src/app knows what each kind of job carries) and this process's worker, which it nudges.
/// Implemented in src/app over core::JobQueue and app::Worker; faked in unit tests.
class JobControl {
 public:
  virtual ~JobControl() = default;
  /// Enqueues a sync of the account ("Sync now"): the queued or running one when there is one.
  virtual core::Result<core::Enqueued> sync_account(std::int64_t owner_user_id,
                                                    std::int64_t account_id) = 0;
  /// Enqueues a sync of one playlist: the queued or running one when there is one.
  virtual core::Result<core::Enqueued> sync_playlist(std::int64_t owner_user_id,
                                                     std::int64_t account_id,
                                                     const std::string& playlist_id) = 0;
  /// Enqueues an edit of one playlist (always a new job: edits are not merged) and wakes the
  /// worker.
  virtual core::Result<core::Enqueued> edit_playlist(const PlaylistEditJob& edit) = 0;
  /// Enqueues the job that creates `creation`'s playlists (create_playlist; split_playlist for a
  /// split), which the caller prepared and checked (core/edit/playlist_lifecycle.hpp).
  virtual core::Result<core::Enqueued> create_playlists(std::int64_t owner_user_id,
                                                        std::int64_t account_id,
                                                        const core::PlaylistCreation& creation) = 0;
  /// Enqueues a batch_edit job running `proposal` (core::propose_batch, or core::plan_batch_undo
  /// for an undo, `undo_of` naming the batch it undoes): app::batch_job_from(proposal, cause,
  /// undo_of), then app::batch_edit_job. Always a new job; wakes the worker. The caller checked
  /// that at least one entry changes.
  virtual core::Result<core::Enqueued> run_batch(std::int64_t owner_user_id,
                                                 std::int64_t account_id,
                                                 const core::BatchProposal& proposal,
                                                 const core::VersionCause& cause,
                                                 std::optional<std::int64_t> undo_of) = 0;
  /// A paste stored with the match_paste job that matches it.
  struct StartedPaste {
    core::StoredPaste paste;  ///< job_id set
    core::Enqueued enqueued;
  };
  /// Stores `inputs` (clean text: core::check_paste_inputs) as a paste of `account_id` and
  /// enqueues its match_paste job (app::match_paste_job) in one transaction, both or neither; then
  /// wakes the worker.
  virtual core::Result<StartedPaste> start_paste(std::int64_t owner_user_id,
                                                 std::int64_t account_id,
                                                 const std::vector<std::string>& inputs) = 0;
  /// Enqueues the job that unfollows a playlist: the queued or running one when there is one.
  virtual core::Result<core::Enqueued> delete_playlist(std::int64_t owner_user_id,
                                                       std::int64_t account_id,
                                                       const std::string& playlist_id) = 0;
  /// core::JobQueue::cancel; a running job that this process runs then stops at its next step
  /// without waiting for its next save of progress or heartbeat.
  virtual core::Result<core::Job> cancel(std::int64_t job_id) = 0;
  /// Stops this process's worker: running jobs end at their next step and are released as
  /// interrupted, to be resumed at the next start. Idempotent.
  virtual void stop() = 0;
};

struct WebDeps {
  core::UserStore& users;
  core::SessionStore& sessions;
  core::AccountStore& accounts;
  core::PlaylistStore& playlists;
  const core::Clock& clock;
  SpotifyConnector& spotify;
  Crypto crypto;
  core::JobQueue& jobs;  ///< the record of every job: the jobs API, `syncing`, /metrics read it
  JobControl& job_control;
  core::PlaylistJournal& journal;  ///< the history of every playlist (the history API reads it)
  core::MatchStore& matches;       ///< pastes and their lines (the pastes API), choices
  core::ImportStore& imports;      ///< uploaded import files (the imports API)
};

struct WebOptions {
  /// Where browsers reach the app, ending in '/': "http://127.0.0.1:8080/" or
  /// "https://example.org/plm/" behind a proxy that strips "/plm". Decides the cookie's Path and
  /// Secure flag, the allowed Origin, the Spotify redirect URI and the SPA's <base href>.
  std::string public_url = "http://127.0.0.1:8080/";
  std::chrono::seconds session_ttl = std::chrono::hours(336);  ///< absolute session lifetime
  std::chrono::seconds session_idle = std::chrono::hours(72);  ///< ends after this long unused
  /// The built SPA (index.html, assets/…); empty or missing: only the API is served.
  std::string static_dir;
  /// Spotify's Web API base URL; loopback (the emulator) allows its images in the CSP.
  std::string spotify_api_url = "https://api.spotify.com/v1";
  /// Use the last X-Forwarded-For address as the client address for login throttling when the
  /// request comes from a loopback proxy.
  bool trust_proxy = false;
  bool access_log = true;
  /// Spotify calls per 30 s (PLM_SPOTIFY_RATE_BUDGET): what batch previews estimate durations at.
  std::int64_t rate_budget = 90;
  /// JSON request bodies above this size answer 413 payload_too_large.
  std::size_t max_json_body_bytes = 64 * 1024;
  std::string version = "0.1.0";
  /// All cached response bodies together stay below this (least recently used ones go).
  std::size_t response_cache_bytes = 64 * 1024 * 1024;
  /// Event streams per user; opening one more closes the user's oldest.
  std::size_t max_streams_per_user = 8;
  /// An event stream ends after this long (EventSource reconnects through authentication).
  std::chrono::seconds stream_lifetime = std::chrono::hours(1);
  /// Finished jobs older than this are deleted (with their results and history) once a day.
  std::chrono::hours job_retention = std::chrono::hours(24 * 30);
  /// How often a thread runs WebApp::maintain(); zero: never (tests call it themselves).
  std::chrono::milliseconds maintenance_interval{15'000};
  /// Tests only: called at named points of requests (see sessions.hpp and docs/web.md) to make
  /// races deterministic. Unset in production.
  std::function<void(std::string_view point)> test_hook;
  /// Receives every log line (one JSON object, no newline). Default: stderr.
  std::function<void(std::string_view line)> log;
};

struct App;  // the application behind this face (internal.hpp)

class WebApp {
 public:
  /// Loads the static files, and creates a one-time setup code when no user has a password yet.
  WebApp(WebDeps deps, WebOptions options);
  ~WebApp();
  WebApp(const WebApp&) = delete;
  WebApp& operator=(const WebApp&) = delete;

  /// The whole application: API routes, /healthz, /metrics, SSE and the SPA. Never throws.
  http::Response handle(const http::Request& request);
  /// The answer when it can be given from memory alone without blocking (today: the playlists
  /// list of a cached session, from the response cache), else nullopt; for
  /// http::ServerOptions::fast_handler. Same headers, metrics and log line as handle().
  std::optional<http::Response> handle_from_memory(const http::Request& request);

  /// The setup code to print at start; empty when an administrator can already sign in.
  std::string setup_code() const;
  /// The redirect URI Spotify must know: "<public URL>api/spotify/callback".
  std::string spotify_redirect_uri() const;

  /// Ends event streams whose session has ended (e.g. through the CLI) or that are older than
  /// `stream_lifetime`, sweeps expired sessions and imports older than a week hourly and finished
  /// jobs older than `job_retention` daily. A thread calls it every `maintenance_interval`; tests
  /// call it directly.
  void maintain();

  /// Every published state of a job (app::Worker's publish hook, any thread): a `job` event to
  /// its owner; when an attempt ends (finished, interrupted, or queued again for a retry), what
  /// it saved becomes visible: the owner's cached bodies are dropped and `playlists` and
  /// `accounts` events follow. The worker throttles progress (at most 5 a second per job) and
  /// always publishes the final state.
  void job_changed(const core::Job& job);

  /// Stops the job worker (running jobs end at their next step and are released as interrupted,
  /// to resume at the next start) and closes the event streams. Call before stopping the HTTP
  /// server; idempotent.
  void shutdown();

 private:
  std::unique_ptr<App> app_;
};

}  // namespace plm::web
