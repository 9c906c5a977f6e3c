#pragma once
/// The one place that names concrete adapters: opens the store, the token cipher, the HTTP
/// transport and the rate ledger from a Config, and hands out core ports. Entry points (the CLI,
/// `plm serve`) get everything through here.

#include <chrono>
#include <memory>

#include "app/config.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/import_store.hpp"
#include "core/ports/job_queue.hpp"
#include "core/ports/match_store.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"
#include "core/ports/unit_of_work.hpp"

namespace plm::spotify {
class Authorizer;
class Sleeper;
}  // namespace plm::spotify

namespace plm::app {

class SystemClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

/// A newly authorized Spotify account, before it is stored.
struct IdentifiedAccount {
  core::SpotifyProfile profile;
  core::AccountTokens tokens;  ///< to store: as they are after any refresh the profile call needed
};

class Services {
 public:
  /// Creates the data directory (0700), loads or creates the secret key, opens and migrates the
  /// database. Throws std::runtime_error with a message fit for the user when any of it fails.
  /// `clock` (tests: a manual one; it must outlive the services) replaces the system clock, and
  /// `sleeper` (tests: a fake that moves the clocks; it must outlive the services) the real waits
  /// of the Spotify clients (interrupt_waits then does not reach it).
  static std::unique_ptr<Services> open(const Config& config, const core::Clock* clock = nullptr,
                                        spotify::Sleeper* sleeper = nullptr);
  ~Services();

  const Config& config() const;
  const core::Clock& clock() const;
  core::UserStore& users();
  core::AccountStore& accounts();
  core::PlaylistStore& playlists();
  core::SessionStore& sessions();
  /// The durable job queue on the database (every plm process on it shares it).
  core::JobQueue& jobs();
  /// The journal of playlist versions on the database.
  core::PlaylistJournal& journal();
  /// Pastes, remembered choices, the lookup cache and known tracks on the database (issue 11).
  core::MatchStore& matches();
  /// Uploaded import files on the database (issue 14: the web's import preview and apply).
  core::ImportStore& imports();
  /// Several of the ports above in one database transaction.
  core::UnitOfWork& unit_of_work();

  /// The OAuth helper for the configured Spotify app. InvalidInput when no client ID is set.
  core::Result<std::shared_ptr<spotify::Authorizer>> authorizer();
  /// A Spotify client for the stored `account` (throws std::invalid_argument for an id <= 0: new
  /// tokens go through identify). Every client of one account in this process shares one
  /// authorization (spotify::AccountAuthorization: tokens, serialised refreshes, needs-reauth), so
  /// a rotated refresh token is never lost to a client holding an older copy; `account` updates it
  /// only when it is newer (a reconnect, a refresh by another process). Refreshed tokens are saved
  /// (encrypted) before use; when Spotify refuses the refresh token the stored tokens are read
  /// again (another process may have rotated it) and only a refusal of the stored one marks the
  /// account NeedsReauth. Each client counts its own calls. Calls are paced by the client ID's
  /// budget in the database (PLM_SPOTIFY_RATE_BUDGET per 30 s), shared with every plm process
  /// that uses it.
  std::unique_ptr<core::SpotifyApi> spotify_for(const core::SpotifyAccount& account);
  /// A Spotify client for catalog calls (search_tracks, track) without a connected account, on the
  /// client ID's client-credentials token (spotify-api.md §1.6: no user, so nothing else works;
  /// other calls fail with Forbidden or Unauthorized from Spotify). The token is asked for on the
  /// first call, again when it is about to expire or a 401 refuses it, kept in memory only and
  /// shared by every such client of this process; calls are paced by the client ID's budget in the
  /// database like every client's. InvalidInput when PLM_SPOTIFY_CLIENT_ID or
  /// PLM_SPOTIFY_CLIENT_SECRET is not set; a refused ID or secret shows at the first call
  /// (Forbidden, "client credentials refused").
  core::Result<std::unique_ptr<core::SpotifyApi>> catalog_spotify();
  /// Who the freshly exchanged `tokens` belong to (GET /me), for the connect flows. Stores
  /// nothing: a refresh the call needs (a short-lived first token) is kept in the returned tokens,
  /// which the caller stores with the account.
  core::Result<IdentifiedAccount> identify(const core::AccountTokens& tokens);
  /// Shutdown: ends the pacing and backoff waits of every client from spotify_for, now and from
  /// then on (such a wait throws, so the call and the sync running it end at once; what was
  /// saved stays saved). Idempotent.
  void interrupt_waits();

 private:
  struct Impl;
  explicit Services(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace plm::app
