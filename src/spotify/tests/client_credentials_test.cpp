// Client-credentials tokens (spotify-api.md §1.6) against the emulator over real HTTP: catalog
// calls without a user, a new token when the old one expires or is refused, and a clear error for
// a wrong or missing secret.

#include "spotify/client_credentials.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>

#include "spotify/tests/spotify_fixture.hpp"

namespace plm::spotify::testing {
namespace {

using core::ErrorCode;
using namespace std::chrono_literals;

/// Passes requests on and counts those to the accounts service's token endpoint (the emulator's
/// stats count only Web API calls).
class TokenCountingTransport final : public HttpTransport {
 public:
  explicit TokenCountingTransport(HttpTransport& next) : next_(next) {}
  core::Result<HttpResponse> send(const HttpRequest& request) override {
    if (request.url.ends_with("/api/token")) ++token_requests;
    return next_.send(request);
  }
  std::atomic<int> token_requests{0};

 private:
  HttpTransport& next_;
};

class ClientCredentialsTest : public SpotifyClientTest {
 protected:
  std::shared_ptr<ClientCredentials> credentials(const std::string& secret = kClientSecret) {
    ClientConfig settings = config();
    settings.client_secret = secret;
    return std::make_shared<ClientCredentials>(client_credentials_settings(settings), counting_,
                                               core_clock_);
  }
  std::unique_ptr<Client> catalog_client(std::shared_ptr<ClientCredentials> source) {
    return std::make_unique<Client>(config(), std::move(source), counting_, nullptr, core_clock_,
                                    sleeper_);
  }

  TokenCountingTransport counting_{transport_};
};

TEST_F(ClientCredentialsTest, CatalogCallsWithoutAUserOnOneToken) {
  auto source = credentials();
  EXPECT_EQ(counting_.token_requests.load(), 0);  // nothing asked for before the first call
  auto client = catalog_client(source);

  const auto& expected = demo_catalog().tracks().at(3);
  const auto track = client->track(expected.id);
  ASSERT_TRUE(track) << track.error().message;
  EXPECT_EQ(track->uri, track_uri(3));
  const auto found = client->search_tracks("track:\"" + expected.name + "\"", 0, 10);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(std::any_of(found->items.begin(), found->items.end(),
                          [&](const auto& t) { return t.uri == track_uri(3); }));

  // A second client on the same source shares the token.
  ASSERT_TRUE(catalog_client(source)->track(expected.id));
  EXPECT_EQ(counting_.token_requests.load(), 1);
  EXPECT_EQ(stat(""), 3);

  const core::AccountTokens tokens = source->tokens();
  EXPECT_FALSE(tokens.access_token.empty());
  EXPECT_TRUE(tokens.refresh_token.empty());
  EXPECT_EQ(tokens.expires_at, now_s() + 1h);
  EXPECT_FALSE(client->needs_reauth());

  // No user behind the token: nothing user-related answers.
  EXPECT_FALSE(client->current_user());
  EXPECT_FALSE(client->my_playlists(0, 50));
}

TEST_F(ClientCredentialsTest, ExpiryBringsANewToken) {
  auto source = credentials();
  auto client = catalog_client(source);
  const std::string id = demo_catalog().tracks().at(5).id;
  ASSERT_TRUE(client->track(id));
  const std::string first = source->tokens().access_token;

  // Still well within the hour: the same token.
  advance(50min);
  ASSERT_TRUE(client->track(id));
  EXPECT_EQ(source->tokens().access_token, first);
  EXPECT_EQ(counting_.token_requests.load(), 1);

  // Less than the renewal margin (5 minutes) left: a new one before the call, no 401 on the way.
  advance(6min);
  const auto after = client->track(id);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_NE(source->tokens().access_token, first);
  EXPECT_EQ(counting_.token_requests.load(), 2);
  EXPECT_EQ(client->counters().retries, 0);

  // Long past expiry (a process idle for hours): a new one again.
  advance(3h);
  ASSERT_TRUE(client->track(id));
  EXPECT_EQ(counting_.token_requests.load(), 3);
  EXPECT_EQ(source->tokens().expires_at, now_s() + 1h);
}

TEST_F(ClientCredentialsTest, ARefusedTokenIsReplacedOnce) {
  auto source = credentials();
  auto client = catalog_client(source);
  const std::string id = demo_catalog().tracks().at(7).id;
  ASSERT_TRUE(client->track(id));
  const std::string first = source->tokens().access_token;

  // Spotify forgets the token before its time: the 401 brings a new one and the call repeats.
  ASSERT_EQ(admin("POST", "/__emulator/revoke", Json{{"client_id", kClientId}}).status, 200);
  const auto again = client->track(id);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_NE(source->tokens().access_token, first);
  EXPECT_EQ(counting_.token_requests.load(), 2);
  EXPECT_EQ(client->counters().retries, 1);
}

TEST_F(ClientCredentialsTest, AWrongSecretIsAClearErrorAndNoWebApiCall) {
  auto client = catalog_client(credentials("not-the-secret"));
  const auto found = client->search_tracks("love", 0, 10);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::Forbidden);
  EXPECT_NE(found.error().message.find("client credentials refused"), std::string::npos)
      << found.error().message;
  EXPECT_NE(found.error().message.find("Invalid client secret"), std::string::npos)
      << found.error().message;
  EXPECT_EQ(found.error().message.find("not-the-secret"), std::string::npos);  // never echoed
  EXPECT_EQ(stat(""), 0);

  // Each call asks again (the configuration may be fixed meanwhile) and fails the same way.
  EXPECT_EQ(client->track(demo_catalog().tracks().at(1).id).error().code, ErrorCode::Forbidden);
  EXPECT_EQ(counting_.token_requests.load(), 2);
}

TEST_F(ClientCredentialsTest, NoSecretNoRequest) {
  auto client = catalog_client(credentials(""));
  const auto found = client->search_tracks("love", 0, 10);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::InvalidInput);
  EXPECT_NE(found.error().message.find("client secret"), std::string::npos);
  EXPECT_EQ(counting_.token_requests.load(), 0);
  EXPECT_EQ(stat(""), 0);
}

TEST_F(ClientCredentialsTest, AnUnknownClientIdIsRefused) {
  ClientConfig settings = config();
  settings.client_id = "no-such-app";
  ClientCredentials source(client_credentials_settings(settings), counting_, core_clock_);
  const auto token = source.access_token();
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::Forbidden);
  EXPECT_NE(token.error().message.find("Invalid client"), std::string::npos);
}

}  // namespace
}  // namespace plm::spotify::testing
