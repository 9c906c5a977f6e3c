#pragma once
// The Spotify client against a real emulator on a free loopback port: demo catalog, a small seed,
// a registered app and a frozen clock that only the test (and the fake sleeper) moves.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "emulator/emulator.hpp"
#include "http/server.hpp"
#include "spotify/client.hpp"
#include "support/http_client.hpp"
#include "testkit/testkit.hpp"

namespace plm::spotify::testing {

using Json = nlohmann::json;

inline constexpr const char* kClientId = "plm-client-test";
inline constexpr const char* kClientSecret = "plm-client-secret";
inline constexpr const char* kRedirectUri = "http://127.0.0.1/callback";
inline constexpr std::int64_t kStartMs = 1'793'491'200'000;  // 2026-11-01T00:00:00Z

using spotify_emulator::testkit::demo_catalog;
using spotify_emulator::testkit::SeedIds;
using spotify_emulator::testkit::track_uri;
using spotify_emulator::testkit::track_uris;

/// core::Clock reading the emulator's clock, so client and emulator agree on "now".
class EmulatorClock final : public core::Clock {
 public:
  explicit EmulatorClock(spotify_emulator::Clock& clock) : clock_(clock) {}
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(clock_.now_ms()));
  }

 private:
  spotify_emulator::Clock& clock_;
};

/// Records every wait and moves the emulator's clock instead of sleeping.
class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(spotify_emulator::Clock& clock) : clock_(clock) {}
  void sleep_for(Millis duration) override {
    waits.push_back(duration);
    clock_.advance_ms(duration.count());
  }
  std::vector<Millis> waits;

 private:
  spotify_emulator::Clock& clock_;
};

struct AdminResult {
  int status = 0;
  Json json;
};

class SpotifyClientTest : public ::testing::Test {
 protected:
  SpotifyClientTest();
  ~SpotifyClientTest() override;

  std::string base_url() const;
  AdminResult admin(const std::string& method, const std::string& path, const Json& body = nullptr);
  /// Tokens for `user` minted through the admin API (as if the user had just authorized).
  core::AccountTokens mint_tokens(const std::string& user);
  /// Client settings pointing at the emulator, deterministic jitter, no pacing.
  ClientConfig config() const;
  std::unique_ptr<Client> make_client(const core::AccountTokens& tokens);
  std::unique_ptr<Client> make_client(const core::AccountTokens& tokens,
                                      const ClientConfig& config);
  /// The emulator's own view of a playlist (entries, snapshot) for assertions.
  Json dump_playlist(const std::string& user, const std::string& playlist_id);
  std::vector<std::string> entry_uris(const std::string& user, const std::string& playlist_id);
  std::int64_t stat(const std::string& endpoint);
  /// The emulator's time rounded down to the second, as tokens' times are.
  core::TimePoint now_s() const {
    return std::chrono::floor<std::chrono::seconds>(core_clock_.now());
  }
  void advance(std::chrono::milliseconds duration) { clock_.advance_ms(duration.count()); }

  spotify_emulator::Clock clock_{kStartMs, /*frozen=*/true};
  EmulatorClock core_clock_{clock_};
  FakeSleeper sleeper_{clock_};
  CurlTransport transport_;
  std::unique_ptr<RateLimiterRegistry> registry_ = std::make_unique<RateLimiterRegistry>();
  std::vector<core::AccountTokens> persisted_;  ///< what on_tokens received
  std::vector<core::Error> reauth_;             ///< what on_needs_reauth received
  std::unique_ptr<spotify_emulator::testkit::RunningEmulator> emulator_;
  std::unique_ptr<plm::test_support::HttpClient> http_;
};

}  // namespace plm::spotify::testing
