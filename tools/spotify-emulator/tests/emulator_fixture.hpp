#pragma once
// A real emulator on a free loopback port, with the committed demo catalog, a small seed written
// for these tests, a registered app and a frozen clock. Tests talk to it over real HTTP.

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator/emulator.hpp"
#include "http/server.hpp"
#include "support/http_client.hpp"
#include "support/openapi/openapi_validator.hpp"

namespace spotify_emulator::testing {

using Json = nlohmann::json;
using plm::test_support::HttpResult;

inline constexpr const char* kClientId = "plm-test-client";
inline constexpr const char* kClientSecret = "plm-test-secret";
inline constexpr const char* kRedirectUri = "http://127.0.0.1/callback";
inline constexpr std::int64_t kStartMs = 1'793'491'200'000;  // 2026-11-01T00:00:00Z

/// Every scope plm asks for.
inline constexpr const char* kAllScopes =
    "playlist-read-private playlist-read-collaborative playlist-modify-public "
    "playlist-modify-private ugc-image-upload user-read-private";

/// Ids of the seed's playlists (22-character base-62, like Spotify's).
struct SeedIds {
  static constexpr const char* kAliceMain =
      "AliceMain0000000000001";  // public, 6 entries, a duplicate
  static constexpr const char* kAlicePrivate = "AlicePrivate0000000001";  // private, 3 entries
  static constexpr const char* kAliceBig = "AliceBig00000000000001";      // public, 120 entries
  static constexpr const char* kAliceOdd = "AliceOdd00000000000001";  // local file + unavailable
  static constexpr const char* kBobCollab =
      "BobCollab0000000000001";  // collaborative, alice follows
  static constexpr const char* kBobPublic = "BobPublic0000000000001";   // public, alice follows
  static constexpr const char* kBobPrivate = "BobPrivate000000000001";  // private, nobody follows
};

/// The demo catalog, loaded once per test process.
const Catalog& demo_catalog();
/// The n-th track of the demo catalog (stable across runs).
const Track& catalog_track(std::size_t n);
std::string track_uri(std::size_t n);

/// The OpenAPI documents, loaded once.
const plm::test_support::OpenApiSpec& dev2026_spec();
const plm::test_support::OpenApiSpec& legacy_spec();
/// Fields the dev2026 emulator leaves out on purpose (removed for development-mode apps).
plm::test_support::Leniency dev2026_leniency();
plm::test_support::Leniency legacy_leniency();

class EmulatorTest : public ::testing::Test {
 protected:
  EmulatorTest();
  ~EmulatorTest() override;

  std::string base_url() const;
  /// An access token for `user` with `scopes`, minted through the admin API.
  std::string token_for(const std::string& user, const std::string& scopes = kAllScopes);
  /// A Web API call with a bearer token.
  HttpResult api(const std::string& method, const std::string& path, const std::string& token,
                 const std::string& body = {},
                 const std::string& content_type = "application/json");
  HttpResult admin(const std::string& method, const std::string& path, const Json& body = nullptr);
  /// Asserts the response matches the OpenAPI schema for its operation and status.
  void expect_schema(const std::string& method, const std::string& path, const HttpResult& result);
  /// The "error" object of a Spotify error response.
  static Json error_of(const HttpResult& result);
  /// Switches the emulator between "dev2026" and "extended" through the admin API.
  void set_mode(const std::string& mode);
  static Json json_of(const HttpResult& result);

  Clock clock_{kStartMs, /*frozen=*/true};
  bool dev2026_ = true;
  std::unique_ptr<Emulator> emulator_;
  std::unique_ptr<plm::http::Server> server_;
  std::unique_ptr<plm::test_support::HttpClient> client_;
};

Seed test_seed();

}  // namespace spotify_emulator::testing
