#pragma once
/// `spotify::Client`: core::SpotifyApi over HTTPS for one connected account.
///
/// Every Web API call goes through one loop: stop if the account needs re-authorization; refresh
/// the access token when less than `refresh_margin` is left; wait for the client ID's shared
/// budget (CallBudget); send; then decide (retry_policy.hpp): 401 → refresh once and repeat,
/// 429 → pause every account of the client ID for Retry-After (or fail with RateLimited and
/// `retry_at`, never sleeping on a long wait), QUOTA_EXCEEDED → every account of the client ID
/// fails fast with QuotaExceeded until its retry time, 5xx/network errors → backoff and repeat for
/// idempotent calls only. Adding items, which is not idempotent, re-reads the playlist after an
/// ambiguous failure to find out whether the add was applied (spotify-api.md §3.5); a reorder,
/// which is not idempotent either, is repeated only when the snapshot shows it was not applied.
///
/// The tokens belong to the account's AccountAuthorization, shared by every client of the account
/// in the process (refreshes are serialised there); a Client is a light per-use object that counts
/// its own calls (a job, a command). Waiting goes through the `Sleeper`, wall-clock time
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
#include "spotify/oauth.hpp"
#include "spotify/parse.hpp"
#include "spotify/rate_limiter.hpp"
#include "spotify/retry_policy.hpp"
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

class Client final : public core::SpotifyApi {
 public:
  /// A client over the account's shared `authorization` (app::Services keeps one per account).
  /// `budget` is the client ID's (RateLimiterRegistry::for_client, or the database's through
  /// src/app); null: a SharedRateLimiter of this client's own from config.rate_limit. `transport`,
  /// `clock` and `sleeper` must outlive the client.
  Client(ClientConfig config, std::shared_ptr<AccountAuthorization> authorization,
         HttpTransport& transport, std::shared_ptr<CallBudget> budget, const core::Clock& clock,
         Sleeper& sleeper);
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
  core::Result<std::string> add_items(const std::string& playlist_id,
                                      const std::vector<std::string>& uris,
                                      std::optional<std::int64_t> position) override;
  core::Result<std::string> remove_items(const std::string& playlist_id,
                                         const std::vector<std::string>& uris) override;
  core::Result<std::string> reorder_items(const std::string& playlist_id, std::int64_t range_start,
                                          std::int64_t insert_before,
                                          std::int64_t range_length) override;
  core::Result<std::string> replace_items(const std::string& playlist_id,
                                          const std::vector<std::string>& uris) override;
  core::Result<core::PlaylistSummary> create_playlist(const std::string& name,
                                                      const std::string& description,
                                                      bool is_public, bool collaborative) override;
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
    std::string body;  ///< JSON, empty for none
    Idempotency idempotency = Idempotency::Safe;
  };
  /// A failed call whose request may have been applied (5xx or network error on an unsafe call).
  struct Outcome {
    core::Result<HttpResponse> response;
    bool maybe_applied = false;
  };

  Outcome execute(const Call& call);
  core::Result<std::string> add_chunk(const std::string& playlist_id,
                                      const std::vector<std::string>& uris,
                                      std::optional<std::int64_t> position,
                                      std::int64_t& expected_total);
  core::Result<PlaylistState> read_state(const std::string& playlist_id);
  /// After an ambiguous failure of an add: the snapshot if the chunk was applied, nullopt if
  /// not, Conflict if the playlist changed some other way.
  core::Result<std::optional<std::string>> chunk_is_applied(const std::string& playlist_id,
                                                            const std::vector<std::string>& uris,
                                                            std::optional<std::int64_t> position,
                                                            std::int64_t total_before);

  /// Waits for the shared budget and returns the admitted call's ticket; fails with RateLimited
  /// when the wait is longer than max_wait, with QuotaExceeded at once while the client ID is
  /// paused for its quota.
  core::Result<std::int64_t> pace();
  void wait(Millis duration);
  double jitter();
  core::Error error_for(const HttpResponse& response) const;

  ClientConfig config_;
  std::shared_ptr<AccountAuthorization> authorization_;
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
