// The web API over real HTTP: every route's answers (validated against api/openapi.yaml by the
// Browser), sessions, CSRF, throttling, roles, ownership, the Spotify connection through the
// emulator, sync jobs followed on the event stream, caching, gzip and the SPA's static files.

#include <zlib.h>

#include <algorithm>
#include <set>

#include "catalog/seed.hpp"
#include "web_fixture.hpp"

namespace plm::web_test {
namespace {

using spotify_emulator::testkit::SeedIds;
using Options = Browser::Options;
using namespace std::chrono_literals;

std::string gunzip(const std::string& data) {
  z_stream stream{};
  inflateInit2(&stream, 16 + MAX_WBITS);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[65536];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
  }
  inflateEnd(&stream);
  return status == Z_STREAM_END ? out : std::string("<corrupt gzip>");
}

std::string path_of(std::int64_t account, const std::string& playlist,
                    const std::string& rest = "") {
  return "/api/accounts/" + std::to_string(account) + "/playlists/" + playlist + rest;
}

// ---- system routes -----------------------------------------------------------------------------

TEST_F(PlmApiTest, HealthAndMetricsAnswerWithoutASession) {
  start();
  Browser anonymous(*this);
  anonymous.get("/api/playlists");  // a 401, counted below

  const auto health = anonymous.get("/healthz");
  const auto metrics = anonymous.get("/metrics");

  ASSERT_EQ(health.status, 200);
  EXPECT_EQ(health.json["status"], "ok");
  EXPECT_EQ(health.json["database"], "ok");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.header("Content-Type")->starts_with("text/plain; version=0.0.4"));
  for (const char* expected :
       {"plm_http_requests_total{route=\"/api/playlists\",method=\"GET\",status=\"401\"} 1",
        "plm_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1",
        "plm_sync_jobs_running 0", "plm_sync_jobs_finished_total{state=\"succeeded\"} 0",
        "plm_spotify_calls_total 0", "plm_spotify_rate_limited_total 0", "plm_sse_clients 0",
        "plm_login_failures_total 0"}) {
    EXPECT_NE(metrics.body.find(expected), std::string::npos) << expected << "\n" << metrics.body;
  }
}

TEST_F(PlmApiTest, EveryResponseCarriesARequestIdAndSecurityHeaders) {
  start();
  Browser anonymous(*this);

  const auto given = anonymous.get("/api/setup", Options{.headers = {{"X-Request-Id", "abc-123"}}});
  const auto made = anonymous.get("/api/setup");
  const auto hostile =
      anonymous.get("/api/setup", Options{.headers = {{"X-Request-Id", "a\"b c"}}});

  EXPECT_EQ(given.header("X-Request-Id"), "abc-123");
  ASSERT_TRUE(made.header("X-Request-Id"));
  EXPECT_FALSE(made.header("X-Request-Id")->empty());
  EXPECT_NE(hostile.header("X-Request-Id"), "a\"b c");
  EXPECT_EQ(made.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(made.header("Referrer-Policy"), "same-origin");
  EXPECT_EQ(made.header("X-Frame-Options"), "DENY");
  const auto csp = made.header("Content-Security-Policy").value_or("");
  EXPECT_NE(csp.find("img-src 'self' data: https: http://127.0.0.1:*"), std::string::npos) << csp;
  EXPECT_EQ(made.header("Cache-Control"), "no-store");
}

// ---- setup, sign-in, sessions ------------------------------------------------------------------

TEST_F(PlmApiTest, SetupNeedsTheCodeWorksOnceAndThenAnswersConflict) {
  start();
  Browser browser(*this);
  const std::string code = web_.app->setup_code();
  ASSERT_FALSE(code.empty());
  auto request = [&](const std::string& setup_code, const std::string& password = kPassword) {
    return browser.call(
        "POST", "/api/setup",
        Json{{"username", "root"}, {"password", password}, {"setup_code", setup_code}},
        Options{.csrf = false});
  };

  const auto before = browser.get("/api/setup");
  const auto wrong = request("not-the-code");
  const auto short_password = request(code, "short");
  const auto right = request(code);
  const std::string cookie = right.header("Set-Cookie").value_or("");
  const auto again = request(code);
  const auto after = browser.get("/api/setup");
  const auto session = browser.get("/api/session");

  EXPECT_EQ(before.json["needs_setup"], true);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.json["error"]["code"], "forbidden");
  EXPECT_EQ(short_password.status, 400);
  EXPECT_NE(short_password.json["error"]["message"].get<std::string>().find("at least 10"),
            std::string::npos);
  ASSERT_EQ(right.status, 200) << right.body;
  EXPECT_EQ(right.json["user"]["role"], "admin");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Path=/;"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(after.json["needs_setup"], false);
  ASSERT_EQ(session.status, 200);
  EXPECT_EQ(session.json["user"]["username"], "root");
  EXPECT_TRUE(web_.app->setup_code().empty());
}

TEST_F(PlmApiTest, SetupGivesThePasswordLessCliAdminItsPassword) {
  start(Setup{.create_cli_admin = true});
  const auto cli_admin = services_->users().find_user_by_name("admin");

  Browser admin = setup_admin("admin");

  const auto session = admin.get("/api/session");
  EXPECT_EQ(session.json["user"]["id"], (*cli_admin)->id);
  EXPECT_EQ(admin.get("/api/users").json["users"].size(), 1u);
}

TEST_F(PlmApiTest, SignInChecksContentTypeOriginBodyAndPassword) {
  start();
  setup_admin();
  Browser browser(*this);
  const Json good{{"username", "root"}, {"password", kPassword}};

  const auto text = browser.call("POST", "/api/session", good,
                                 Options{.csrf = false, .content_type = "text/plain"});
  const auto foreign =
      browser.call("POST", "/api/session", good,
                   Options{.headers = {{"Origin", "https://evil.example"}}, .csrf = false});
  const auto malformed = browser.call("POST", "/api/session", nullptr,
                                      Options{.csrf = false, .raw_body = "{\"username\":"});
  const auto array =
      browser.call("POST", "/api/session", Json::array(), Options{.csrf = false, .raw_body = "[]"});
  const auto wrong_type =
      browser.call("POST", "/api/session", Json{{"username", 42}, {"password", kPassword}},
                   Options{.csrf = false});
  const auto wrong = browser.sign_in("root", "not the password");
  const auto unknown = browser.sign_in("nobody", kPassword);
  const auto own_origin = browser.call("POST", "/api/session", good,
                                       Options{.headers = {{"Origin", base_url()}}, .csrf = false});

  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(text.json["error"]["code"], "unsupported_media_type");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.json["error"]["code"], "csrf_failed");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.json["error"]["message"].get<std::string>().find("not valid JSON"),
            std::string::npos);
  EXPECT_EQ(array.status, 400);
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_EQ(wrong_type.json["error"]["message"], "'username' must be a string, got number");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.json["error"]["message"], unknown.json["error"]["message"]);
  EXPECT_EQ(own_origin.status, 200);
}

TEST_F(PlmApiTest, FiveFailuresBlockSignInFromThatAddressWithRetryAfterUntilTheWindowPasses) {
  start();
  setup_admin();
  Browser browser(*this);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(browser.sign_in("root", "wrong password").status, 401);

  const auto blocked = browser.sign_in("root");
  const auto other_name = browser.sign_in("someone-else", "whatever-password");
  clock_.advance(14min);
  const auto still = browser.sign_in("root");
  clock_.advance(1min + 1s);
  const auto recovered = browser.sign_in("root");

  EXPECT_EQ(blocked.status, 429);
  EXPECT_EQ(blocked.json["error"]["code"], "too_many_requests");
  const int retry_after = std::stoi(blocked.header("Retry-After").value_or("0"));
  EXPECT_GT(retry_after, 800);
  EXPECT_LE(retry_after, 900);
  EXPECT_EQ(other_name.status, 401);  // the address may still try other names
  EXPECT_EQ(still.status, 429);
  EXPECT_LE(std::stoi(still.header("Retry-After").value_or("999")), 60);
  EXPECT_EQ(recovered.status, 200) << recovered.body;
  EXPECT_NE(Browser(*this).get("/metrics").body.find("plm_login_failures_total 8"),
            std::string::npos);
}

TEST_F(PlmApiTest, WrongPasswordsFromOneAddressNeverLockTheUserOutElsewhere) {
  start(Setup{.trust_proxy = true});  // client addresses from X-Forwarded-For, as behind nginx
  setup_admin();
  Browser attacker(*this);
  Browser owner(*this);
  auto sign_in_from = [](Browser& browser, const std::string& address, const std::string& name,
                         const std::string& password) {
    return browser.call("POST", "/api/session", Json{{"username", name}, {"password", password}},
                        Options{.headers = {{"X-Forwarded-For", address}}, .csrf = false});
  };
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sign_in_from(attacker, "192.0.2.66", "root", "wrong password").status, 401);

  const auto attacker_blocked = sign_in_from(attacker, "192.0.2.66", "root", kPassword);
  const auto owner_signed_in = sign_in_from(owner, "203.0.113.9", "root", kPassword);
  std::vector<int> guesses;
  for (int i = 0; i < 20; ++i)
    guesses.push_back(
        sign_in_from(attacker, "198.51.100.1", "guess-" + std::to_string(i), "wrong").status);
  const auto guesser_stopped = sign_in_from(attacker, "198.51.100.1", "root", kPassword);

  EXPECT_EQ(attacker_blocked.status, 429);
  EXPECT_EQ(owner_signed_in.status, 200) << owner_signed_in.body;
  EXPECT_EQ(guesses, std::vector<int>(20, 401));
  EXPECT_EQ(guesser_stopped.status, 429);
}

TEST_F(PlmApiTest, AnIpv6GuesserMovingWithinItsSlash64IsStillOneAddress) {
  start(Setup{.trust_proxy = true});
  setup_admin();
  Browser attacker(*this);
  Browser owner(*this);
  auto sign_in_from = [](Browser& browser, const std::string& address,
                         const std::string& password) {
    return browser.call("POST", "/api/session", Json{{"username", "root"}, {"password", password}},
                        Options{.headers = {{"X-Forwarded-For", address}}, .csrf = false});
  };
  // A new address of the same /64 for every guess.
  for (int i = 1; i <= 5; ++i)
    EXPECT_EQ(sign_in_from(attacker, "2001:db8:5:6::" + std::to_string(i), "wrong").status, 401);

  const auto next_address = sign_in_from(attacker, "2001:db8:5:6::99", kPassword);
  const auto other_network = sign_in_from(owner, "2001:db8:5:7::1", kPassword);

  EXPECT_EQ(next_address.status, 429);
  EXPECT_EQ(other_network.status, 200) << other_network.body;
}

TEST_F(PlmApiTest, StateChangingRequestsNeedTheSessionsCsrfToken) {
  start();
  Browser admin = setup_admin();
  const std::string token = admin.csrf();

  admin.set_csrf("");
  const auto missing = admin.call("POST", "/api/accounts/connect");
  admin.set_csrf("forged-token");
  const auto wrong = admin.call("DELETE", "/api/session");
  admin.set_csrf(token);
  const auto still_signed_in = admin.get("/api/session");
  const auto right = admin.call("POST", "/api/accounts/connect");

  EXPECT_EQ(missing.status, 403);
  EXPECT_EQ(missing.json["error"]["code"], "csrf_failed");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.json["error"]["code"], "csrf_failed");
  EXPECT_EQ(still_signed_in.status, 200);
  EXPECT_EQ(right.status, 200);
}

TEST_F(PlmApiTest, SignOutEndsTheSessionAndClearsTheCookie) {
  start();
  Browser admin = setup_admin();
  const std::string cookie = admin.cookie();

  const auto out = admin.call("DELETE", "/api/session");
  const std::string cleared = out.header("Set-Cookie").value_or("");
  admin.set_cookie(cookie);  // a browser that kept it anyway
  const auto after = admin.get("/api/session");
  const auto again = admin.call("DELETE", "/api/session");

  EXPECT_EQ(out.status, 204);
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.json["error"]["code"], "unauthenticated");
  EXPECT_EQ(again.status, 401);
}

TEST_F(PlmApiTest, SessionsEndAfterTheIdleTimeout) {
  start();
  Browser admin = setup_admin();
  const std::string hash = app::web_crypto().token_digest(admin.cookie());

  clock_.advance(71h);
  const auto active = admin.get("/api/session");  // moves the idle deadline
  clock_.advance(71h);
  const auto still = admin.get("/api/session");
  clock_.advance(72h + 1s);
  const auto idle = admin.get("/api/session");

  EXPECT_EQ(active.status, 200);
  EXPECT_EQ(still.status, 200);
  EXPECT_EQ(idle.status, 401);
  EXPECT_FALSE(services_->sessions().find_session(hash)->has_value());  // deleted
}

TEST_F(PlmApiTest, SessionsEndAfterTheirAbsoluteLifetimeEvenWhenUsed) {
  start();
  Browser admin = setup_admin();

  std::vector<int> statuses;
  for (int day = 0; day < 14; ++day) {
    clock_.advance(24h);
    statuses.push_back(admin.get("/api/session").status);
  }
  clock_.advance(1s);
  const auto expired = admin.get("/api/session");

  EXPECT_EQ(statuses.back(), 401);  // 336 h after sign-in
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 13);
  EXPECT_EQ(expired.status, 401);
}

TEST_F(PlmApiTest, PasswordChangeEndsTheOtherSessions) {
  start();
  Browser admin = setup_admin();
  Browser laptop(*this);
  ASSERT_EQ(laptop.sign_in("root").status, 200);
  const std::string new_password = "a much better passphrase";

  const auto wrong =
      admin.call("POST", "/api/me/password",
                 Json{{"current_password", "nope nope nope"}, {"new_password", new_password}});
  const auto too_short = admin.call(
      "POST", "/api/me/password", Json{{"current_password", kPassword}, {"new_password", "short"}});
  const auto changed =
      admin.call("POST", "/api/me/password",
                 Json{{"current_password", kPassword}, {"new_password", new_password}});

  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(too_short.status, 400);
  EXPECT_EQ(changed.status, 204);
  EXPECT_EQ(admin.get("/api/session").status, 200);
  EXPECT_EQ(laptop.get("/api/session").status, 401);
  EXPECT_EQ(Browser(*this).sign_in("root").status, 401);
  EXPECT_EQ(Browser(*this).sign_in("root", new_password).status, 200);
}

// ---- users and roles ---------------------------------------------------------------------------

TEST_F(PlmApiTest, AdminsManageUsersButNeverTheLastAdminOrThemselves) {
  start();
  Browser admin = setup_admin();
  Browser editor = add_user(admin, "eddie", "editor");
  const std::int64_t root_id = admin.get("/api/session").json["user"]["id"];
  const std::int64_t eddie_id = editor.get("/api/session").json["user"]["id"];

  const auto listed = admin.get("/api/users");
  const auto taken =
      admin.call("POST", "/api/users",
                 Json{{"username", "eddie"}, {"password", kPassword}, {"role", "viewer"}});
  const auto bad_role = admin.call(
      "POST", "/api/users", Json{{"username", "x"}, {"password", kPassword}, {"role", "owner"}});
  const auto bad_name =
      admin.call("POST", "/api/users",
                 Json{{"username", "white space"}, {"password", kPassword}, {"role", "viewer"}});
  const auto long_name = admin.call(
      "POST", "/api/users",
      Json{{"username", std::string(65, 'a')}, {"password", kPassword}, {"role", "viewer"}});
  const auto editor_lists = editor.get("/api/users");
  const auto demote_self =
      admin.call("PATCH", "/api/users/" + std::to_string(root_id), Json{{"role", "editor"}});
  const auto delete_self = admin.call("DELETE", "/api/users/" + std::to_string(root_id));
  const auto missing = admin.call("PATCH", "/api/users/99999", Json{{"role", "viewer"}});
  const auto empty_patch =
      admin.call("PATCH", "/api/users/" + std::to_string(eddie_id), Json::object());
  const auto promoted =
      admin.call("PATCH", "/api/users/" + std::to_string(eddie_id), Json{{"role", "admin"}});
  const auto eddie_lists = editor.get("/api/users");  // the new role applies at once
  const auto demoted =
      admin.call("PATCH", "/api/users/" + std::to_string(eddie_id), Json{{"role", "viewer"}});
  const auto viewer_connects = editor.call("POST", "/api/accounts/connect");
  const auto reset = admin.call("PATCH", "/api/users/" + std::to_string(eddie_id),
                                Json{{"password", "reset password 123"}});
  const auto after_reset = editor.get("/api/session");
  ASSERT_EQ(editor.sign_in("eddie", "reset password 123").status, 200);
  const auto deleted = admin.call("DELETE", "/api/users/" + std::to_string(eddie_id));
  const auto after_delete = editor.get("/api/session");
  const auto deleted_again = admin.call("DELETE", "/api/users/" + std::to_string(eddie_id));

  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.json["users"].size(), 2u);
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(bad_role.status, 400);
  EXPECT_EQ(bad_role.json["error"]["message"],
            "'role' must be admin, editor or viewer, got 'owner'");
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_EQ(long_name.status, 400);
  EXPECT_EQ(editor_lists.status, 403);
  EXPECT_EQ(editor_lists.json["error"]["code"], "forbidden");
  EXPECT_EQ(demote_self.status, 409);
  EXPECT_EQ(delete_self.status, 409);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(empty_patch.status, 400);
  EXPECT_EQ(promoted.status, 200);
  EXPECT_EQ(promoted.json["role"], "admin");
  EXPECT_EQ(eddie_lists.status, 200);
  EXPECT_EQ(demoted.status, 200);
  EXPECT_EQ(viewer_connects.status, 403);
  EXPECT_EQ(reset.status, 200);
  EXPECT_EQ(after_reset.status, 401);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(after_delete.status, 401);
  EXPECT_EQ(deleted_again.status, 404);
}

TEST_F(PlmApiTest, AnAdminMayDemoteAnotherAdminButNotThemselves) {
  start();
  Browser root = setup_admin();
  Browser second = add_user(root, "second", "admin");
  const std::int64_t root_id = root.get("/api/session").json["user"]["id"];

  const auto demoted =
      second.call("PATCH", "/api/users/" + std::to_string(root_id), Json{{"role", "viewer"}});
  const std::int64_t second_id = second.get("/api/session").json["user"]["id"];
  const auto last =
      root.call("PATCH", "/api/users/" + std::to_string(second_id), Json{{"role", "editor"}});

  EXPECT_EQ(demoted.status, 200);  // two admins: fine
  EXPECT_EQ(root.get("/api/users").status, 403);
  EXPECT_EQ(last.status, 403);  // root is a viewer now
  const auto self = second.call("DELETE", "/api/users/" + std::to_string(second_id));
  const auto self_demotion =
      second.call("PATCH", "/api/users/" + std::to_string(second_id), Json{{"role", "editor"}});
  EXPECT_EQ(self.status, 409);
  EXPECT_EQ(self_demotion.status, 409);
}

TEST_F(PlmApiTest, ViewersReadButEveryStateChangingRouteAnswersForbidden) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  // Viewers see only their own data: give the viewer an account of its own to try writes on.
  Browser viewer = add_user(admin, "vic", "viewer");
  const std::string id = std::to_string(account);

  const std::vector<std::pair<std::string, std::string>> writes{
      {"POST", "/api/accounts/connect"},
      {"POST", "/api/accounts/" + id + "/sync"},
      {"DELETE", "/api/accounts/" + id},
      {"PUT", path_of(account, SeedIds::kAliceMain, "/tags")},
      {"POST", path_of(account, SeedIds::kAliceMain, "/sync")},
      {"POST", "/api/users"},
      {"PATCH", "/api/users/1"},
      {"DELETE", "/api/users/1"},
      {"POST", "/api/jobs/1/cancel"},
      {"POST", "/api/accounts/" + id + "/batch/preview"},
      {"POST", "/api/accounts/" + id + "/batch"},
      {"POST", "/api/jobs/1/undo"},
      {"PUT", "/api/selections/mine"},
      {"DELETE", "/api/selections/mine"}};
  for (const auto& [method, path] : writes) {
    const auto reply = viewer.call(method, path,
                                   method == "DELETE" || path.ends_with("sync") ||
                                           path.ends_with("connect") || path.ends_with("cancel")
                                       ? Json()
                                       : Json{{"tags", Json::array()}});
    EXPECT_EQ(reply.status, 403) << method << " " << path << ": " << reply.body;
    EXPECT_EQ(reply.json["error"]["code"], "forbidden") << method << " " << path;
  }
  EXPECT_EQ(viewer.get("/api/playlists").status, 200);
  EXPECT_EQ(viewer.get("/api/accounts").status, 200);
  EXPECT_EQ(viewer.get("/api/jobs").status, 200);
  EXPECT_EQ(viewer.get("/api/spotify/setup").status, 200);
  EXPECT_EQ(viewer
                .call("POST", "/api/me/password",
                      Json{{"current_password", kPassword}, {"new_password", "viewer's new one"}})
                .status,
            204);
  EXPECT_EQ(viewer.call("DELETE", "/api/session").status, 204);
}

// ---- Spotify connection ------------------------------------------------------------------------

TEST_F(PlmApiTest, SpotifySetupShowsTheRedirectUriToRegister) {
  start();
  Browser admin = setup_admin();

  const auto setup = admin.get("/api/spotify/setup");

  ASSERT_EQ(setup.status, 200);
  EXPECT_EQ(setup.json["client_id_configured"], true);
  EXPECT_EQ(setup.json["redirect_uri"], public_url() + "api/spotify/callback");
  EXPECT_EQ(setup.json["redirect_uri_problems"], Json::array());
  EXPECT_EQ(setup.json["dashboard_url"], "https://developer.spotify.com/dashboard");
  EXPECT_EQ(Browser(*this).get("/api/spotify/setup").status, 401);
}

TEST_F(PlmApiTest, ConnectingThroughSpotifysConsentStoresAHealthyAccount) {
  start();
  Browser admin = setup_admin();
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());

  const std::int64_t account = connect(admin);
  const auto accounts = admin.get("/api/accounts");

  ASSERT_GT(account, 0);
  ASSERT_EQ(accounts.status, 200);
  ASSERT_EQ(accounts.json["accounts"].size(), 1u);
  const Json& health = accounts.json["accounts"][0];
  EXPECT_EQ(health["id"], account);
  EXPECT_EQ(health["spotify_user_id"], "alice");
  EXPECT_EQ(health["display_name"], "Alice Producer");
  EXPECT_EQ(health["status"], "active");
  EXPECT_EQ(health["authorized_at"], "2026-11-01T00:00:00Z");
  EXPECT_EQ(health["authorization_expires_at"], "2027-05-01T00:00:00Z");
  EXPECT_EQ(health["days_until_expiry"], 181);
  EXPECT_EQ(health["expiry_warning"], false);
  EXPECT_EQ(health["playlist_count"], 0);
  EXPECT_EQ(health["last_synced_at"], nullptr);
  EXPECT_EQ(health["syncing"], false);
  const auto changed =
      events.wait_for([](const EventReader::Event& event) { return event.name == "accounts"; });
  ASSERT_TRUE(changed);
  EXPECT_TRUE(spec().validate_schema("AccountsChanged", changed->data).empty());
  EXPECT_EQ(changed->data["account_id"], account);

  clock_.advance(24h * 161);
  ASSERT_EQ(admin.sign_in("root").status, 200);  // sessions live 14 days at most
  const auto soon = admin.get("/api/accounts").json["accounts"][0];
  EXPECT_EQ(soon["days_until_expiry"], 20);
  EXPECT_EQ(soon["expiry_warning"], true);
}

TEST_F(PlmApiTest, TheCallbackRefusesWrongReusedForeignAndSessionLessStates) {
  start();
  Browser admin = setup_admin();
  Browser editor = add_user(admin, "eddie", "editor");
  auto error_of = [&](const Reply& reply) {
    EXPECT_EQ(reply.status, 302);
    const std::string location = reply.header("Location").value_or("");
    const std::string prefix = public_url() + "accounts?error=";
    EXPECT_TRUE(location.starts_with(prefix)) << location;
    return location.substr(std::min(location.size(), prefix.size()));
  };

  const std::string callback = authorize(admin);
  const std::string forged = callback.substr(0, callback.find("state=")) + "state=forged";
  EXPECT_EQ(error_of(admin.get(forged)), "invalid_state");
  EXPECT_EQ(error_of(editor.get(callback)), "invalid_state");  // another user's state…
  EXPECT_EQ(error_of(admin.get(callback)), "invalid_state");   // …is burnt by that attempt
  EXPECT_EQ(error_of(Browser(*this).get(authorize(admin))), "not_signed_in");
  EXPECT_EQ(error_of(admin.get("/api/spotify/callback?error=access_denied&state=x")),
            "access_denied");

  const std::string fresh = authorize(admin);
  clock_.advance(11min);
  EXPECT_EQ(error_of(admin.get(fresh)), "invalid_state");  // expired

  const std::string good = authorize(admin);
  const auto connected = admin.get(good);
  EXPECT_TRUE(
      connected.header("Location").value_or("").starts_with(public_url() + "accounts?connected="));
  EXPECT_EQ(error_of(admin.get(good)), "invalid_state");  // once only
  EXPECT_EQ(admin.get("/api/accounts").json["accounts"].size(), 1u);
}

// ---- sync, playlists, items, tags, jobs, events ------------------------------------------------

TEST_F(PlmApiTest, ASyncStreamsProgressAndThePlaylistsMatchTheEmulator) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());

  const auto started = admin.call("POST", "/api/accounts/" + std::to_string(account) + "/sync");
  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(started.json["kind"], "sync_account");
  EXPECT_EQ(started.json["playlist_id"], nullptr);
  const Json done = wait_for_job(events, started.json["id"]);
  const auto playlists_event =
      events.wait_for([](const EventReader::Event& event) { return event.name == "playlists"; });

  EXPECT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["error"], nullptr);
  EXPECT_EQ(done["total"], 6);
  EXPECT_EQ(done["done"], 6);
  EXPECT_NE(done["finished_at"], nullptr);
  for (const auto& event : events.events()) {
    const char* schema = event.name == "job"         ? "Job"
                         : event.name == "playlists" ? "PlaylistsChanged"
                                                     : "AccountsChanged";
    test_support::Leniency strict;
    strict.require_all_declared = true;
    const auto problems = spec().validate_schema(schema, event.data, strict);
    EXPECT_TRUE(problems.empty()) << event.name << ": " << problems.front();
  }
  ASSERT_TRUE(playlists_event);
  EXPECT_EQ(playlists_event->data["account_id"], account);

  const auto list = admin.get("/api/playlists");
  const Json remote = emulator_get("alice", "/v1/me/playlists?limit=50");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["total"], remote["items"].size());
  ASSERT_EQ(list.json["playlists"].size(), remote["items"].size());
  for (std::size_t i = 0; i < remote["items"].size(); ++i) {
    const Json& mine = list.json["playlists"][i];
    const Json& theirs = remote["items"][i];
    EXPECT_EQ(mine["id"], theirs["id"]);
    EXPECT_EQ(mine["name"], theirs["name"]);
    EXPECT_EQ(mine["snapshot_id"], theirs["snapshot_id"]);
    EXPECT_EQ(mine["owner_id"], theirs["owner"]["id"]);
    EXPECT_EQ(mine["account_id"], account);
    EXPECT_EQ(mine["owned"], theirs["owner"]["id"] == "alice");
  }
  const Json bob_public =
      *std::find_if(list.json["playlists"].begin(), list.json["playlists"].end(),
                    [](const Json& p) { return p["id"] == SeedIds::kBobPublic; });
  EXPECT_EQ(bob_public["items_readable"], false);
  EXPECT_EQ(bob_public["stored_track_count"], 0);

  const auto items = admin.get(path_of(account, SeedIds::kAliceBig, "/items"));
  ASSERT_EQ(items.status, 200);
  ASSERT_EQ(items.json["total"], 120);
  std::vector<std::string> remote_uris;
  for (int offset = 0; offset < 120; offset += 50) {
    const Json page = emulator_get("alice", std::string("/v1/playlists/") + SeedIds::kAliceBig +
                                                "/items?limit=50&offset=" + std::to_string(offset));
    for (const auto& entry : page["items"]) remote_uris.push_back(entry["item"]["uri"]);
  }
  for (std::size_t i = 0; i < remote_uris.size(); ++i) {
    EXPECT_EQ(items.json["items"][i]["uri"], remote_uris[i]);
    EXPECT_EQ(items.json["items"][i]["position"], static_cast<int>(i));
  }
  EXPECT_EQ(items.json["items"][0]["name"], spotify_emulator::testkit::catalog_track(100).name);
  // What the track table shows and nothing more: the album's release date and cover stay in the
  // store (1.1 MB of a 10,000-item list's 3.6 MB; docs/benchmarks.md).
  EXPECT_FALSE(items.json["items"][0].contains("release_date"));
  EXPECT_FALSE(items.json["items"][0].contains("album_image_url"));
  const auto odd = admin.get(path_of(account, SeedIds::kAliceOdd, "/items"));
  ASSERT_EQ(odd.json["items"].size(), 3u);
  EXPECT_EQ(odd.json["items"][1]["is_local"], true);
  EXPECT_EQ(odd.json["items"][2]["unavailable"], true);

  const auto accounts = admin.get("/api/accounts").json["accounts"][0];
  EXPECT_EQ(accounts["playlist_count"], 6);
  EXPECT_EQ(accounts["last_synced_at"], "2026-11-01T00:00:00Z");
  const auto jobs = admin.get("/api/jobs");
  ASSERT_EQ(jobs.json["jobs"].size(), 1u);
  EXPECT_EQ(jobs.json["jobs"][0]["state"], "succeeded");
  EXPECT_EQ(admin.get("/api/jobs/" + done["id"].get<std::string>()).json["job"]["state"],
            "succeeded");
  const auto metrics = Browser(*this).get("/metrics").body;
  EXPECT_NE(metrics.find("plm_sync_jobs_finished_total{state=\"succeeded\"} 1"), std::string::npos);
  EXPECT_EQ(metrics.find("plm_spotify_calls_total 0"), std::string::npos);
  EXPECT_NE(metrics.find("plm_sse_clients 1"), std::string::npos) << metrics;
}

TEST_F(PlmApiTest, ThePlaylistListIsCachedWithAnETagAndGzipAndRefreshedByChanges) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());

  const auto first = admin.get("/api/playlists");
  const std::string etag = first.header("ETag").value_or("");
  const auto not_modified =
      admin.get("/api/playlists", Options{.headers = {{"If-None-Match", etag}}});
  const auto gzipped =
      admin.get("/api/playlists", Options{.headers = {{"Accept-Encoding", "gzip"}}});
  const auto filtered = admin.get("/api/playlists?account_id=" + std::to_string(account));
  const auto tagged = admin.call("PUT", path_of(account, SeedIds::kAliceMain, "/tags"),
                                 Json{{"tags", {" focus ", "radio", "focus"}}});
  const auto changed = admin.get("/api/playlists", Options{.headers = {{"If-None-Match", etag}}});

  ASSERT_EQ(first.status, 200);
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(first.header("Cache-Control"), "private, no-cache");
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(not_modified.header("ETag"), etag);
  EXPECT_EQ(gzipped.header("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(gzipped.body), first.body);
  EXPECT_EQ(filtered.json["total"], 6);
  ASSERT_EQ(tagged.status, 200) << tagged.body;
  EXPECT_EQ(tagged.json["tags"], Json({"focus", "radio"}));
  EXPECT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("ETag"), etag);
  EXPECT_EQ(changed.json["playlists"][0]["tags"], Json({"focus", "radio"}));
  const auto event =
      events.wait_for([](const EventReader::Event& e) { return e.name == "playlists"; });
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["playlist_ids"], Json({SeedIds::kAliceMain}));
  EXPECT_EQ(admin.get(path_of(account, SeedIds::kAliceMain)).json["tags"],
            Json({"focus", "radio"}));
}

TEST_F(PlmApiTest, TagsAreValidated) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  const std::string tags = path_of(account, SeedIds::kAliceMain, "/tags");
  Json many = Json::array();
  for (int i = 0; i < 51; ++i) many.push_back("tag" + std::to_string(i));

  const auto too_long = admin.call("PUT", tags, Json{{"tags", {std::string(65, 'x')}}});
  const auto blank = admin.call("PUT", tags, Json{{"tags", {"  "}}});
  const auto not_string = admin.call("PUT", tags, Json{{"tags", {1}}});
  const auto not_array = admin.call("PUT", tags, Json{{"tags", "rock"}});
  const auto too_many = admin.call("PUT", tags, Json{{"tags", many}});
  const auto missing = admin.call("PUT", path_of(account, "NoSuchPlaylist00000001", "/tags"),
                                  Json{{"tags", Json::array()}});
  const auto cleared = admin.call("PUT", tags, Json{{"tags", Json::array()}});

  for (const auto* reply : {&too_long, &blank, &not_string, &not_array, &too_many}) {
    EXPECT_EQ(reply->status, 400) << reply->body;
    EXPECT_EQ(reply->json["error"]["code"], "invalid_input");
  }
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(cleared.status, 200);
}

TEST_F(PlmApiTest, SyncingAPlaylistReadsThatPlaylistAlone) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());

  const auto started = admin.call("POST", path_of(account, SeedIds::kAliceBig, "/sync"));
  const Json done = wait_for_job(events, started.json["id"]);
  const auto details = admin.get("/api/jobs/" + started.json["id"].get<std::string>());

  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(started.json["kind"], "sync_playlist");
  EXPECT_EQ(started.json["playlist_id"], SeedIds::kAliceBig);
  EXPECT_EQ(done["state"], "succeeded") << done.dump();
  EXPECT_EQ(done["unit"], "tracks");
  ASSERT_EQ(details.json["items"].size(), 1u);
  EXPECT_EQ(details.json["items"][0]["key"], SeedIds::kAliceBig);
  EXPECT_EQ(details.json["items"][0]["outcome"], "unchanged");  // the account's sync read it
  const auto playlists_event = events.wait_for([](const EventReader::Event& event) {
    return event.name == "playlists" && !event.data["playlist_ids"].empty();
  });
  ASSERT_TRUE(playlists_event);
  EXPECT_EQ(playlists_event->data["playlist_ids"], Json({SeedIds::kAliceBig}));
}

TEST_F(PlmApiTest, ALongRateLimitQueuesTheJobAgainForWhenSpotifySaid) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  emulator_admin("POST", "/__emulator/faults",
                 Json{{"rules", {{{"kind", "rate_limit"}, {"retry_after_s", 7200}}}}});
  EventReader events(base_url() + "/api/events", admin.cookie());
  ASSERT_TRUE(events.wait_connected());

  const auto started = admin.call("POST", "/api/accounts/" + std::to_string(account) + "/sync");
  const std::string id = started.json["id"];
  const auto waiting = events.wait_for([&](const EventReader::Event& event) {
    return event.name == "job" && event.data["id"] == id && event.data["state"] == "queued" &&
           !event.data["error"].is_null();
  });
  const auto details = admin.get("/api/jobs/" + id);
  const auto account_state = admin.get("/api/accounts").json["accounts"][0];
  const auto cancelled = admin.call("POST", "/api/jobs/" + id + "/cancel");

  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(waiting->data["error"]["code"], "rate_limited");
  // Spotify's time, on the server's clock (which stands still in this test).
  EXPECT_EQ(waiting->data["error"]["retry_at"], "2026-11-01T02:00:00Z") << waiting->data.dump();
  EXPECT_EQ(waiting->data["run_at"], "2026-11-01T02:00:00Z");
  EXPECT_EQ(waiting->data["attempts"], 1);
  EXPECT_EQ(details.json["history"].back()["kind"], "retry_scheduled");
  EXPECT_EQ(account_state["syncing"], true);  // it is not over: it resumes by itself
  EXPECT_EQ(cancelled.status, 200);
  EXPECT_EQ(cancelled.json["state"], "cancelled");
  EXPECT_NE(Browser(*this)
                .get("/metrics")
                .body.find("plm_sync_jobs_finished_total{state=\"cancelled\"} 1"),
            std::string::npos);
}

TEST_F(PlmApiTest, AnExpiredAuthorizationFailsTheJobAndMarksTheAccount) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");
  emulator_admin("POST", "/__emulator/clock", Json{{"advance_ms", 190LL * 24 * 3600 * 1000}});
  clock_.advance(190 * 24h);
  emulator_admin("POST", "/__emulator/faults", Json{{"rules", {{{"kind", "expired_token"}}}}});
  ASSERT_EQ(admin.sign_in("root").status, 200);  // the session lived 14 days at most

  const Json reauth = sync(admin, account);
  const auto again = admin.call("POST", "/api/accounts/" + std::to_string(account) + "/sync");
  const auto health = admin.get("/api/accounts").json["accounts"][0];

  EXPECT_EQ(reauth["state"], "failed") << reauth.dump();
  EXPECT_EQ(reauth["error"]["code"], "needs_reauth");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json["error"]["code"], "needs_reauth");
  EXPECT_EQ(health["status"], "needs_reauth");
  EXPECT_EQ(health["expiry_warning"], true);
  EXPECT_LT(health["days_until_expiry"].get<int>(), 0);
}

TEST_F(PlmApiTest, AccountsCanBeDisconnected) {
  start();
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);
  ASSERT_EQ(sync(admin, account)["state"], "succeeded");

  const auto gone = admin.call("DELETE", "/api/accounts/" + std::to_string(account));
  const auto again = admin.call("DELETE", "/api/accounts/" + std::to_string(account));

  EXPECT_EQ(gone.status, 204);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(admin.get("/api/accounts").json["accounts"].size(), 0u);
  EXPECT_EQ(admin.get("/api/playlists").json["total"], 0);
  EXPECT_EQ(admin.get(path_of(account, SeedIds::kAliceMain)).status, 404);
}

TEST_F(PlmApiTest, TheDemoSeedsAccountIsServedWhole) {
  const auto seed = spotify_emulator::load_seed_file(
      fs::path(PLM_SOURCE_DIR) / "tools/spotify-emulator/catalog/seeds/default.json",
      spotify_emulator::testkit::demo_catalog());
  start(Setup{.seed = seed, .approve_user = "demo-pro"});
  Browser admin = setup_admin();
  const std::int64_t account = connect(admin);

  const Json done = sync(admin, account);
  const auto list = admin.get("/api/playlists", Options{.headers = {{"Accept-Encoding", "gzip"}}});
  const Json playlists = Json::parse(gunzip(list.body));

  ASSERT_EQ(done["state"], "succeeded") << done.dump();
  std::vector<std::string> remote_ids;
  for (int offset = 0;; offset += 50) {
    const Json page =
        emulator_get("demo-pro", "/v1/me/playlists?limit=50&offset=" + std::to_string(offset));
    for (const auto& playlist : page["items"]) remote_ids.push_back(playlist["id"]);
    if (page["next"].is_null()) break;
  }
  ASSERT_GE(remote_ids.size(), 300u);
  ASSERT_EQ(playlists["total"], remote_ids.size());
  for (std::size_t i = 0; i < remote_ids.size(); ++i)
    EXPECT_EQ(playlists["playlists"][i]["id"], remote_ids[i]);
  // The biggest playlist: all 10,000 items in one response.
  const auto biggest =
      std::max_element(playlists["playlists"].begin(), playlists["playlists"].end(),
                       [](const Json& a, const Json& b) {
                         return a["stored_track_count"] < b["stored_track_count"];
                       });
  const std::string big_id = (*biggest)["id"];
  const auto items = admin.get(path_of(account, big_id, "/items"));
  ASSERT_EQ(items.status, 200);
  EXPECT_EQ(items.json["total"], 10000);
  EXPECT_EQ(items.json["items"].size(), 10000u);
  const Json last_page =
      emulator_get("demo-pro", "/v1/playlists/" + big_id + "/items?limit=50&offset=9950");
  for (std::size_t i = 0; i < 50; ++i) {
    const Json& remote = last_page["items"][i]["item"];
    EXPECT_EQ(items.json["items"][9950 + i]["uri"], remote.is_null() ? Json("") : remote["uri"]);
  }
}

// ---- ownership ---------------------------------------------------------------------------------

TEST_F(PlmApiTest, AnotherUsersAccountsPlaylistsAndJobsAnswerNotFound) {
  start();
  Browser alice = setup_admin("alice-owner");
  const std::int64_t account = connect(alice);
  const Json job = sync(alice, account);
  ASSERT_EQ(job["state"], "succeeded");
  Browser mallory = add_user(alice, "mallory", "editor");
  const std::string id = std::to_string(account);
  const std::string playlist = SeedIds::kAliceMain;

  const std::vector<std::tuple<std::string, std::string, Json>> attempts{
      {"GET", "/api/playlists?account_id=" + id, nullptr},
      {"GET", path_of(account, playlist), nullptr},
      {"GET", path_of(account, playlist, "/items"), nullptr},
      {"PUT", path_of(account, playlist, "/tags"), Json{{"tags", {"mine"}}}},
      {"POST", path_of(account, playlist, "/sync"), nullptr},
      {"POST", "/api/accounts/" + id + "/sync", nullptr},
      {"DELETE", "/api/accounts/" + id, nullptr},
      {"GET", "/api/jobs/" + job["id"].get<std::string>(), nullptr},
      {"POST", "/api/jobs/" + job["id"].get<std::string>() + "/cancel", nullptr},
      {"GET", "/api/accounts/abc/playlists/x", nullptr},
  };
  for (const auto& [method, path, body] : attempts) {
    const auto reply = mallory.call(method, path, body);
    EXPECT_EQ(reply.status, 404) << method << " " << path << ": " << reply.body;
    EXPECT_EQ(reply.json["error"]["code"], "not_found") << method << " " << path;
  }
  EXPECT_EQ(mallory.get("/api/playlists").json["total"], 0);
  EXPECT_EQ(mallory.get("/api/accounts").json["accounts"].size(), 0u);
  EXPECT_EQ(mallory.get("/api/jobs").json["jobs"].size(), 0u);
  // Nothing changed for the owner.
  EXPECT_EQ(alice.get(path_of(account, playlist)).json["tags"], Json::array());
  EXPECT_EQ(alice.get("/api/accounts").json["accounts"].size(), 1u);
}

TEST_F(PlmApiTest, EventsNeedASessionAndOnlyCarryTheUsersOwnEvents) {
  start();
  Browser alice = setup_admin();
  Browser bob = add_user(alice, "bobby", "editor");
  EventReader bobs_events(base_url() + "/api/events", bob.cookie());
  ASSERT_TRUE(bobs_events.wait_connected());
  EventReader nobody(base_url() + "/api/events", "not-a-session");
  nobody.wait_for([](const EventReader::Event&) { return false; }, std::chrono::seconds(20));

  const std::int64_t account = connect(alice);
  ASSERT_EQ(sync(alice, account)["state"], "succeeded");
  // An event of Bob's own, sent after all of Alice's: once it arrived, anything of Alice's that
  // leaked to Bob's stream would have arrived before it.
  const std::int64_t bobs_account = connect(bob);
  const auto own = bobs_events.wait_for(
      [&](const EventReader::Event& event) {
        return event.data.value("account_id", 0) == bobs_account;
      },
      std::chrono::seconds(20));

  EXPECT_EQ(nobody.status(), 401);
  ASSERT_TRUE(own.has_value());
  ASSERT_NE(bobs_account, account);
  for (const auto& event : bobs_events.events()) {
    EXPECT_EQ(event.data.value("account_id", std::int64_t{0}), bobs_account) << event.data.dump();
  }
}

// ---- bad requests ------------------------------------------------------------------------------

TEST_F(PlmApiTest, BadRequestsGetOneErrorShapeNeverACrash) {
  start();
  Browser admin = setup_admin();

  const auto unknown = admin.get("/api/nothing-here", Options{.generic_error = true});
  const auto wrong_method =
      admin.call("PUT", "/api/accounts", Json::object(), Options{.generic_error = true});
  const auto huge =
      admin.call("POST", "/api/users", nullptr,
                 Options{.raw_body = "{\"username\":\"" + std::string(100 * 1024, 'a') + "\"}"});
  const auto beyond_transport = admin.call("POST", "/api/users", nullptr,
                                           Options{.raw_body = std::string(3 * 1024 * 1024, ' ')});
  const auto nested =
      admin.call("POST", "/api/users", nullptr,
                 Options{.raw_body = std::string(5000, '[') + std::string(5000, ']')});
  const auto bad_utf8 =
      admin.call("POST", "/api/users", nullptr, Options{.raw_body = "{\"username\":\"\xff\xfe\"}"});
  const auto no_type =
      admin.call("POST", "/api/users", nullptr, Options{.content_type = "", .raw_body = "{}"});
  const auto null_field =
      admin.call("POST", "/api/users",
                 Json{{"username", nullptr}, {"password", kPassword}, {"role", "viewer"}});
  const auto out_of_range =
      admin.call("POST", "/api/users", nullptr,
                 Options{.raw_body = "{\"username\":\"x\",\"password\":1e400}"});
  const auto job = admin.get("/api/jobs/does-not-exist");
  const auto bad_filter = admin.get("/api/playlists?account_id=abc");

  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json["error"]["code"], "not_found");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.json["error"]["code"], "method_not_allowed");
  EXPECT_EQ(wrong_method.header("Allow"), "GET");
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.json["error"]["code"], "payload_too_large");
  EXPECT_EQ(beyond_transport.status, 413);  // refused by the server before the app reads it
  EXPECT_EQ(beyond_transport.json["error"]["code"], "payload_too_large");
  EXPECT_EQ(nested.status, 400);
  EXPECT_EQ(bad_utf8.status, 400);
  EXPECT_EQ(no_type.status, 415);
  EXPECT_EQ(null_field.status, 400);
  EXPECT_EQ(null_field.json["error"]["message"], "'username' is required");
  EXPECT_EQ(out_of_range.status, 400);
  EXPECT_EQ(out_of_range.json["error"]["code"], "invalid_input");
  EXPECT_EQ(job.status, 404);
  EXPECT_EQ(bad_filter.status, 404);
  EXPECT_EQ(admin.get("/healthz").status, 200);  // still serving
  for (const auto& line : logs())
    EXPECT_EQ(line.find("\"level\":\"error\""), std::string::npos)
        << line;  // a bad body is no fault
}

TEST_F(PlmApiTest, LogsNeverContainPasswordsCookiesOrOAuthCodes) {
  start();
  Browser admin = setup_admin();
  const std::string callback = authorize(admin);
  admin.get(callback);
  admin.sign_in("root", "a wrong password here");
  const std::string code = callback.substr(callback.find("code=") + 5, 12);

  const auto lines = logs();

  ASSERT_FALSE(lines.empty());
  for (const auto& line : lines) {
    EXPECT_EQ(line.find(kPassword), std::string::npos) << line;
    EXPECT_EQ(line.find("a wrong password here"), std::string::npos) << line;
    EXPECT_EQ(line.find(admin.cookie()), std::string::npos) << line;
    EXPECT_EQ(line.find(admin.csrf()), std::string::npos) << line;
    EXPECT_EQ(line.find(code), std::string::npos) << line;
    EXPECT_FALSE(Json::parse(line, nullptr, false).is_discarded()) << line;
  }
}

// ---- the single-page app -----------------------------------------------------------------------

TEST_F(PlmApiTest, TheSpaIsServedWithItsBaseAndCachingRules) {
  start();
  Browser browser(*this);

  const auto root = browser.get("/", Options{.generic_error = true});
  const auto route = browser.get("/accounts?connected=1", Options{.generic_error = true});
  const auto asset = browser.get("/assets/app-1234.js", Options{.generic_error = true});
  const auto missing_asset = browser.get("/assets/missing.js", Options{.generic_error = true});
  const auto icon = browser.get("/favicon.svg", Options{.generic_error = true});
  const auto traversal =
      browser.get("/assets/%2e%2e/%2e%2e/etc/passwd", Options{.generic_error = true});

  EXPECT_EQ(root.status, 200);
  EXPECT_NE(root.body.find("<base href=\"/\">"), std::string::npos) << root.body;
  EXPECT_EQ(root.header("Cache-Control"), "no-cache");
  EXPECT_TRUE(root.header("Content-Type")->starts_with("text/html"));
  EXPECT_EQ(route.body, root.body);
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_TRUE(asset.header("Content-Type")->starts_with("text/javascript"));
  EXPECT_EQ(missing_asset.status, 404);
  EXPECT_EQ(icon.header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(traversal.status, 404);
}

TEST_F(PlmApiTest, BehindAPrefixAndHttpsTheBaseCookiePathAndSecureFlagFollowThePublicUrl) {
  start(Setup{.public_url_override = "https://music.example.org/plm/"});
  Browser browser(*this);
  const Json body{
      {"username", "root"}, {"password", kPassword}, {"setup_code", web_.app->setup_code()}};

  const auto local_origin = browser.call(
      "POST", "/api/setup", body, Options{.headers = {{"Origin", base_url()}}, .csrf = false});
  const auto setup =
      browser.call("POST", "/api/setup", body,
                   Options{.headers = {{"Origin", "https://music.example.org"}}, .csrf = false});
  const auto index = browser.get("/playlists", Options{.generic_error = true});
  const auto spotify = browser.get("/api/spotify/setup");

  EXPECT_EQ(local_origin.status, 403);
  ASSERT_EQ(setup.status, 200) << setup.body;
  const std::string cookie = setup.header("Set-Cookie").value_or("");
  EXPECT_NE(cookie.find("Path=/plm/;"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(index.body.find("<base href=\"/plm/\">"), std::string::npos) << index.body;
  EXPECT_EQ(spotify.json["redirect_uri"], "https://music.example.org/plm/api/spotify/callback");
  EXPECT_EQ(spotify.json["redirect_uri_problems"], Json::array());
}

}  // namespace
}  // namespace plm::web_test

namespace plm::web_test {
namespace {

TEST_F(PlmApiTest, AnEditorDemotedDuringTheAuthorizationCannotCompleteTheConnection) {
  start();
  Browser admin = setup_admin();
  Browser editor = add_user(admin, "ed", "editor");
  const std::string callback = authorize(editor);  // started while still an editor
  const auto users = admin.get("/api/users");
  std::int64_t ed_id = 0;
  for (const auto& user : users.json["users"]) {
    if (user["username"] == "ed") ed_id = user["id"];
  }
  ASSERT_EQ(
      admin.call("PATCH", "/api/users/" + std::to_string(ed_id), Json{{"role", "viewer"}}).status,
      200);

  const auto refused = editor.get(callback);

  EXPECT_EQ(refused.status, 302);
  EXPECT_EQ(refused.header("Location").value_or(""), public_url() + "accounts?error=forbidden");
  EXPECT_EQ(editor.get("/api/accounts").json["accounts"], Json::array());
}

TEST_F(PlmApiTest, MetricsAreHiddenFromRequestsRelayedByAProxyUnlessAnAdminAsks) {
  start();
  Browser admin = setup_admin();
  Browser anonymous(*this);
  const RequestOptions forwarded{.headers = {{"X-Forwarded-For", "192.0.2.9"}},
                                 .generic_error = true};

  EXPECT_EQ(anonymous.get("/metrics").status, 200);  // a scrape on the host itself
  EXPECT_EQ(anonymous.get("/metrics", forwarded).status, 404);
  EXPECT_EQ(admin.get("/metrics", forwarded).status, 200);
}

}  // namespace
}  // namespace plm::web_test
