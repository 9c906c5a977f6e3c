#pragma once
/// The one place that names concrete adapters: opens the store, the token cipher, the HTTP
/// transport and the per-client-ID rate limiters from a Config, and hands out core ports.
/// Entry points (the CLI today, `plm serve` later) get everything through here.

#include <chrono>
#include <memory>

#include "app/config.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"

namespace plm::spotify {
class Authorizer;
}

namespace plm::app {

class SystemClock final : public core::Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

class Services {
 public:
  /// Creates the data directory (0700), loads or creates the secret key, opens and migrates the
  /// database. Throws std::runtime_error with a message fit for the user when any of it fails.
  /// `clock` (tests: a manual one; it must outlive the services) replaces the system clock.
  static std::unique_ptr<Services> open(const Config& config, const core::Clock* clock = nullptr);
  ~Services();

  const Config& config() const;
  const core::Clock& clock() const;
  core::UserStore& users();
  core::AccountStore& accounts();
  core::PlaylistStore& playlists();
  core::SessionStore& sessions();

  /// The OAuth helper for the configured Spotify app. InvalidInput when no client ID is set.
  core::Result<std::shared_ptr<spotify::Authorizer>> authorizer();
  /// A Spotify client for `account`: refreshed tokens are saved (encrypted) as they arrive, and an
  /// account whose refresh token Spotify refuses is marked NeedsReauth.
  std::unique_ptr<core::SpotifyApi> spotify_for(const core::SpotifyAccount& account);
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
