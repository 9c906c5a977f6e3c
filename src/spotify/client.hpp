#pragma once
/// `spotify::Client`: core::SpotifyApi over HTTPS for one connected account.
///
/// Every Web API call goes through one loop: stop if the account needs re-authorization; refresh
/// the access token when less than `refresh_margin` is left; wait for the client ID's shared
/// budget (CallBudget); send; then decide (retry_policy.hpp): 401 → refresh once and repeat,
/// 429 → pause every account of the client ID for Retry-After (or fail with RateLimited and
/// `retry_at`, never sleeping on a long wait), QUOTA_EXCEEDED → every account of the client ID
/// fails fast with QuotaExceeded until its retry time, 5xx/network errors → backoff and repeat for
/// reads. Writes are sent once (spotify-api.md §3.5): after a 401 or a 429 they are repeated like
/// any call (nothing was done), after a 5xx or a network error only the idempotent ones (remove
/// by URI, replace, change details, cover, unfollow); an add, a reorder or a create that may have
/// reached Spotify comes back as WriteStatus::Unknown, and so does an idempotent write whose
/// repeats ran out. The client never reads behind the caller's back to find out: settling is the
/// write sequence's job (core/write/write_sequence.hpp), with reads it counts.
///
/// The tokens belong to a TokenSource shared by every client that uses it: the account's
/// AccountAuthorization (refreshes are serialised there), or, for catalog calls without an
/// account, the client ID's ClientCredentials (search and GET /tracks/{id} only). A Client is a
/// light per-use object that counts its own calls (a job, a command). Waiting goes through the
/// `Sleeper`, wall-clock time
/// (`retry_at`, token expiry) through the `core::Clock` and pacing through the budget's own clock,
/// so tests never sleep. Thread-safe: calls may come from several threads.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/model/account.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/spotify_api.hpp"
#include "spotify/account_authorization.hpp"
#include "spotify/call_budget.hpp"
#include "spotify/client_credentials.hpp"
#include "spotify/oauth.hpp"
#include "spotify/parse.hpp"
#include "spotify/rate_limiter.hpp"
#include "spotify/retry_policy.hpp"
#include "spotify/token_source.hpp"
#include "spotify/transport.hpp"

namespace plm::spotify {

/// How the client waits. The real one sleeps the thread; test fakes move a fake clock instead.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void sleep_for(Millis duration) = 0;
};

/// std::this_thread::sleep_for.
class ThreadSleeper final : public Sleeper {
 public:
  void sleep_for(Millis duration) override;
};

struct ClientConfig {
  std::string api_base_url = "https://api.spotify.com/v1";
  std::string accounts_base_url = "https://accounts.spotify.com";
  std::string client_id;
  std::string client_secret;  ///< empty: public PKCE client
  Millis connect_timeout{10'000};
  Millis total_timeout{30'000};
  /// Refresh the access token when less than this is left (tokens live an hour, §1.2).
  Millis refresh_margin{5 * 60'000};
  RetrySettings retry;
  /// Pacing per client ID, for a client given no budget (and for RateLimiterRegistry callers).
  RateLimitSettings rate_limit{.window_budget = 100};
  std::uint64_t jitter_seed = 0;  ///< 0: seeded from std::random_device
  /// Monotonic time of the limiter a client given no budget makes; empty:
  /// std::chrono::steady_clock::now. Tests inject one their fake sleeper moves.
  SteadySource steady_now;
  /// For a client with an authorization of its own: the account is already marked "needs re-auth",
  /// so the client makes no calls at all, every method fails with NeedsReauth (and on_needs_reauth
  /// is not called again).
  bool start_needs_reauth = false;
};

/// The authorization part of `config`, for an AccountAuthorization of the client ID.
AuthorizationSettings authorization_settings(const ClientConfig& config);
/// The same for the client ID's ClientCredentials (renewed with the same margin).
ClientCredentialsSettings client_credentials_settings(const ClientConfig& config);

class Client final : public core::SpotifyApi {
 public:
  /// A client over a shared token source: an account's authorization (app::Services keeps one per
  /// account) or the client ID's ClientCredentials (catalog calls only). `budget` is the client
  /// ID's (RateLimiterRegistry::for_client, or the database's through src/app); null: a
  /// SharedRateLimiter of this client's own from config.rate_limit. `transport`, `clock` and
  /// `sleeper` must outlive the client.
  Client(ClientConfig config, std::shared_ptr<TokenSource> authorization, HttpTransport& transport,
         std::shared_ptr<CallBudget> budget, const core::Clock& clock, Sleeper& sleeper);
  /// A client with an authorization of its own, from `tokens`, `hooks` and
  /// config.start_needs_reauth (tests, one-off uses).
  Client(ClientConfig config, core::AccountTokens tokens, HttpTransport& transport,
         std::shared_ptr<CallBudget> budget, const core::Clock& clock, Sleeper& sleeper,
         AccountHooks hooks = {});

  core::Result<core::SpotifyProfile> current_user() override;
  /// Pages' `next_offset` is the requested offset + the number of elements Spotify sent.
  core::Result<core::Page<core::PlaylistSummary>> my_playlists(std::int64_t offset,
                                                               int limit) override;
  core::Result<core::Page<core::PlaylistItem>> playlist_items(const std::string& playlist_id,
                                                              std::int64_t offset,
                                                              int limit) override;
  core::Result<core::PlaylistSummary> playlist(const std::string& playlist_id) override;
  core::Result<core::PlaylistVersion> playlist_version(const std::string& playlist_id) override;
  core::CreateOutcome create_playlist(const core::NewPlaylist& playlist) override;
  core::WriteOutcome change_details(const std::string& playlist_id,
                                    const core::PlaylistDetailsChange& change) override;
  core::WriteOutcome upload_cover(const std::string& playlist_id, const std::string& jpeg) override;
  core::WriteOutcome add_items(const std::string& playlist_id, const std::vector<std::string>& uris,
                               std::optional<std::int64_t> position) override;
  core::WriteOutcome remove_items(const std::string& playlist_id,
                                  const std::vector<std::string>& uris) override;
  core::WriteOutcome reorder_items(const std::string& playlist_id, std::int64_t range_start,
                                   std::int64_t insert_before, std::int64_t range_length) override;
  core::WriteOutcome replace_items(const std::string& playlist_id,
                                   const std::vector<std::string>& uris) override;
  core::WriteOutcome unfollow_playlist(const std::string& playlist_id) override;
  core::Result<core::TrackInfo> track(const std::string& track_id) override;
  core::Result<core::Page<core::TrackInfo>> search_tracks(const std::string& query,
                                                          std::int64_t offset, int limit) override;
  /// This client's calls only, not those of other clients of the account.
  core::ApiCounters counters() const override;

  /// The tokens in use (after any refresh). For the app's bookkeeping and for tests.
  core::AccountTokens tokens() const { return authorization_->tokens(); }
  /// True once Spotify refused the stored refresh token (or from the start with
  /// ClientConfig::start_needs_reauth); every call then fails with NeedsReauth.
  bool needs_reauth() const { return authorization_->needs_reauth(); }

 private:
  struct Call {
    std::string method;
    std::string path;  ///< below api_base_url, with the query, e.g. "/me/playlists?limit=50"
    std::string body;  ///< empty for none
    Idempotency idempotency = Idempotency::Safe;
    std::string content_type = "application/json";  ///< of the body
  };
  /// A failed call whose request may have been applied (5xx or network error on an unsafe call).
  struct Outcome {
    core::Result<HttpResponse> response;
    bool maybe_applied = false;
  };
  /// A write after its request (and, for an idempotent one, its repeats): the 2xx response when
  /// applied, else the status and the error.
  struct SentWrite {
    core::WriteStatus status = core::WriteStatus::NotApplied;
    HttpResponse response;
    std::optional<core::Error> error;
  };
  enum class Repeat { Never, AfterServerErrors };

  Outcome execute(const Call& call);
  /// Sends a write once (execute repeats only 401s and 429s for it); `repeat` says whether a 5xx
  /// or a network error may be followed by the same request again.
  SentWrite send_write(Call call, Repeat repeat);
  /// Adds, removes, reorders and replaces: the outcome with the snapshot Spotify answers.
  core::WriteOutcome snapshot_write(Call call, Repeat repeat);
  /// Details, covers and unfollows: idempotent, answered without a body.
  core::WriteOutcome bodiless_write(Call call);

  /// Waits for the shared budget and returns the admitted call's ticket; fails with RateLimited
  /// when the wait is longer than max_wait, with QuotaExceeded at once while the client ID is
  /// paused for its quota.
  core::Result<std::int64_t> pace();
  void wait(Millis duration);
  double jitter();
  core::Error error_for(const HttpResponse& response) const;

  ClientConfig config_;
  std::shared_ptr<TokenSource> authorization_;
  HttpTransport& transport_;
  std::shared_ptr<CallBudget> budget_;
  const core::Clock& clock_;
  Sleeper& sleeper_;

  std::mutex jitter_mutex_;
  std::mt19937_64 jitter_engine_;

  std::atomic<std::int64_t> calls_{0}, retries_{0}, rate_limited_{0}, paced_waits_{0},
      waited_ms_{0};
};

}  // namespace plm::spotify
