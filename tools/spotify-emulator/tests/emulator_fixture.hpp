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
#include "testkit/testkit.hpp"

namespace spotify_emulator::testing {

using Json = nlohmann::json;
using plm::test_support::HttpResult;

inline constexpr const char* kClientId = "plm-test-client";
inline constexpr const char* kClientSecret = "plm-test-secret";
inline constexpr const char* kRedirectUri = "http://127.0.0.1/callback";
using testkit::catalog_track;
using testkit::demo_catalog;
using testkit::kStartMs;
using testkit::SeedIds;
using testkit::test_seed;
using testkit::track_uri;

/// Every scope plm asks for.
inline constexpr const char* kAllScopes =
    "playlist-read-private playlist-read-collaborative playlist-modify-public "
    "playlist-modify-private ugc-image-upload user-read-private";

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
  std::unique_ptr<testkit::RunningEmulator> running_;
  Emulator* emulator_ = nullptr;  ///< running_'s, for tests that call handle() directly
  std::unique_ptr<plm::test_support::HttpClient> client_;
};

}  // namespace spotify_emulator::testing
