// WebApp::handle called directly (no server) over in-memory fakes: error mapping and the
// plumbing that needs no Spotify.

#include "web/web_app.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/event_stream.hpp"
#include "support/fakes.hpp"
#include "support/in_memory_job_queue.hpp"
#include "web/errors.hpp"
#include "web/internal.hpp"

namespace plm::web {
namespace {

using Json = nlohmann::json;

class NoSpotify final : public SpotifyConnector {
 public:
  std::string client_id() const override { return ""; }
  core::Result<Authorization> begin(const std::string&) override {
    return core::make_error(core::ErrorCode::InvalidInput, "PLM_SPOTIFY_CLIENT_ID is not set");
  }
  core::Result<Connection> finish(const std::string&, const std::string&,
                                  const std::string&) override {
    return core::make_error(core::ErrorCode::InvalidInput, "no");
  }
  std::unique_ptr<core::SpotifyApi> spotify_for(const core::SpotifyAccount&) override {
    return std::make_unique<test_support::FakeSpotifyApi>("nobody");
  }
};

/// The jobs routes over an in-memory queue; nothing runs them (tests move jobs themselves).
class QueueOnlyJobs final : public JobControl {
 public:
  explicit QueueOnlyJobs(const core::Clock& clock) : queue(clock) {}
  core::Result<core::Enqueued> sync_account(std::int64_t owner, std::int64_t account) override {
    return queue.enqueue(core::NewJob{.kind = core::JobKind::SyncAccount,
                                      .owner_user_id = owner,
                                      .account_id = account,
                                      .concurrency_key = core::concurrency_key_for_account(account),
                                      .unit = core::ProgressUnit::Playlists,
                                      .unique_while_active = true});
  }
  core::Result<core::Enqueued> sync_playlist(std::int64_t owner, std::int64_t account,
                                             const std::string& playlist) override {
    return queue.enqueue(
        core::NewJob{.kind = core::JobKind::SyncPlaylist,
                     .owner_user_id = owner,
                     .account_id = account,
                     .playlist_id = playlist,
                     .concurrency_key = core::concurrency_key_for_playlist(account, playlist),
                     .unit = core::ProgressUnit::Tracks,
                     .unique_while_active = true});
  }
  core::Result<core::Enqueued> edit_playlist(const PlaylistEditJob& edit) override {
    return queue.enqueue(core::NewJob{
        .kind = core::JobKind::EditPlaylist,
        .owner_user_id = edit.owner_user_id,
        .account_id = edit.account_id,
        .playlist_id = edit.playlist_id,
        .concurrency_key = core::concurrency_key_for_playlist(edit.account_id, edit.playlist_id),
        .unit = core::ProgressUnit::Calls});
  }
  core::Result<core::Enqueued> run_batch(std::int64_t owner, std::int64_t account,
                                         const core::BatchProposal&, const core::VersionCause&,
                                         std::optional<std::int64_t>) override {
    return queue.enqueue(core::NewJob{.kind = core::JobKind::BatchEdit,
                                      .owner_user_id = owner,
                                      .account_id = account,
                                      .concurrency_key = core::concurrency_key_for_account(account),
                                      .unit = core::ProgressUnit::Playlists});
  }
  core::Result<core::Enqueued> create_playlists(std::int64_t owner, std::int64_t account,
                                                const core::PlaylistCreation&) override {
    return queue.enqueue(
        core::NewJob{.kind = core::JobKind::CreatePlaylist,
                     .owner_user_id = owner,
                     .account_id = account,
                     .concurrency_key = core::concurrency_key_for_account(account)});
  }
  core::Result<core::Enqueued> delete_playlist(std::int64_t owner, std::int64_t account,
                                               const std::string& playlist) override {
    return queue.enqueue(
        core::NewJob{.kind = core::JobKind::DeletePlaylist,
                     .owner_user_id = owner,
                     .account_id = account,
                     .playlist_id = playlist,
                     .concurrency_key = core::concurrency_key_for_playlist(account, playlist)});
  }
  core::Result<StartedPaste> start_paste(std::int64_t, std::int64_t,
                                         const std::vector<std::string>&) override {
    // Pastes need the store and the queue in one transaction: tests/integration/web_paste_test.
    return core::make_error(core::ErrorCode::Unavailable, "no pastes in these tests");
  }
  core::Result<core::Job> cancel(std::int64_t job_id) override { return queue.cancel(job_id); }
  void stop() override { ++stops; }

  test_support::InMemoryJobQueue queue;
  std::atomic<int> stops{0};
};

Crypto fake_crypto() {
  auto counter = std::make_shared<int>(0);
  return Crypto{[](std::string_view password) { return "hash:" + std::string(password); },
                [](std::string_view hash, std::string_view password) {
                  return hash == "hash:" + std::string(password);
                },
                [counter] { return "token" + std::to_string(++*counter) + "-abcdefghijklmnop"; },
                [](std::string_view token) { return "digest:" + std::string(token); }};
}

http::Request request(std::string method, std::string path, std::string body = {},
                      std::vector<http::Field> headers = {}) {
  http::Request result;
  result.method = std::move(method);
  const auto question = path.find('?');
  result.path = path.substr(0, question);
  if (question != std::string::npos) result.query = http::parse_form(path.substr(question + 1));
  result.target = std::move(path);
  result.body = std::move(body);
  result.headers = std::move(headers);
  result.remote_address = "127.0.0.1";
  return result;
}

class WebAppTest : public ::testing::Test {
 protected:
  WebAppTest()
      : app_(WebDeps{store_, store_, store_, store_, clock_, spotify_, crypto(), jobs_.queue, jobs_,
                     store_, store_, store_},
             WebOptions{.static_dir = "",
                        .maintenance_interval = std::chrono::milliseconds(0),
                        .test_hook =
                            [this](std::string_view point) {
                              if (hook_) hook_(point);
                            },
                        .log =
                            [this](std::string_view line) {
                              std::lock_guard lock(log_mutex_);
                              logs_.emplace_back(line);
                            }}) {}

  Crypto crypto() {
    Crypto result = fake_crypto();
    result.verify_password = [this](std::string_view hash, std::string_view password) {
      if (on_verify_) on_verify_();
      return hash == "hash:" + std::string(password);
    };
    return result;
  }

  struct Browser {
    std::string cookie;  ///< "plm_session=…"
    std::string csrf;
  };
  static std::string cookie_of(const http::Response& response) {
    const auto set = response.header("Set-Cookie");
    return set ? std::string(set->substr(0, set->find(';'))) : std::string();
  }
  http::Response call(const std::string& method, const std::string& path, const Json& body,
                      const Browser* as, std::vector<http::Field> headers = {}) {
    if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
    if (as) {
      headers.emplace_back("Cookie", as->cookie);
      headers.emplace_back("X-CSRF-Token", as->csrf);
    }
    return app_.handle(request(method, path, body.is_null() ? "" : body.dump(), headers));
  }
  Browser setup_root() {
    const auto setup = call(
        "POST", "/api/setup",
        Json{{"username", "root"}, {"password", "0123456789"}, {"setup_code", app_.setup_code()}},
        nullptr);
    EXPECT_EQ(setup.status, 200) << setup.body;
    return Browser{cookie_of(setup), Json::parse(setup.body).value("csrf_token", "")};
  }
  http::Response sign_in(const std::string& name, const std::string& password,
                         const Browser* previous = nullptr) {
    std::vector<http::Field> headers;
    if (previous) headers.emplace_back("Cookie", previous->cookie);
    return app_.handle(request("POST", "/api/session",
                               Json{{"username", name}, {"password", password}}.dump(), [&] {
                                 headers.emplace_back("Content-Type", "application/json");
                                 return headers;
                               }()));
  }
  http::Response sign_in_from(const std::string& address, const std::string& name,
                              const std::string& password) {
    auto attempt =
        request("POST", "/api/session", Json{{"username", name}, {"password", password}}.dump(),
                {{"Content-Type", "application/json"}});
    attempt.remote_address = address;
    return app_.handle(attempt);
  }
  Browser browser_of(const http::Response& signed_in) {
    return Browser{cookie_of(signed_in), Json::parse(signed_in.body).value("csrf_token", "")};
  }
  std::int64_t add_user(const Browser& admin, const std::string& name, const std::string& role) {
    const auto created =
        call("POST", "/api/users",
             Json{{"username", name}, {"password", name + "-password"}, {"role", role}}, &admin);
    EXPECT_EQ(created.status, 201) << created.body;
    return Json::parse(created.body).value("id", std::int64_t{0});
  }
  std::vector<std::string> logs() {
    std::lock_guard lock(log_mutex_);
    return logs_;
  }

  test_support::InMemoryStore store_;
  test_support::ManualClock clock_;
  NoSpotify spotify_;
  QueueOnlyJobs jobs_{clock_};
  std::function<void(std::string_view)> hook_;
  std::function<void()> on_verify_;
  std::mutex log_mutex_;
  std::vector<std::string> logs_;
  WebApp app_;
};

TEST_F(WebAppTest, ACoreErrorMapsToOneStatusAndCode) {
  const auto now = clock_.now();
  core::Error limited = core::make_error(core::ErrorCode::RateLimited, "wait");
  limited.retry_at = now + std::chrono::seconds(90);

  EXPECT_EQ(api_error(core::make_error(core::ErrorCode::NotFound, "x"), now).status, 404);
  EXPECT_EQ(api_error(core::make_error(core::ErrorCode::NeedsReauth, "x"), now).code,
            "needs_reauth");
  EXPECT_EQ(api_error(core::make_error(core::ErrorCode::NeedsReauth, "x"), now).status, 409);
  EXPECT_EQ(api_error(limited, now).status, 503);
  EXPECT_EQ(api_error(limited, now).retry_after, std::chrono::seconds(90));
  const auto internal = api_error(core::make_error(core::ErrorCode::Internal, "disk /x full"), now);
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.message.find("disk"), std::string::npos);  // internals stay in the log
}

TEST_F(WebAppTest, ErrorBodiesStayValidJsonWhateverTheyEcho) {
  const auto response = error_response(400, "invalid_input", "bad \xff\"\n\x01 byte");
  const auto json = Json::parse(response.body);
  EXPECT_EQ(json["error"]["message"], "bad \xEF\xBF\xBD\"\n\x01 byte");
}

TEST_F(WebAppTest, UnknownRoutesWrongMethodsAndMissingSessionsAnswerInTheErrorShape) {
  const auto unknown = app_.handle(request("GET", "/api/unknown"));
  const auto method = app_.handle(request("DELETE", "/api/playlists"));
  const auto session = app_.handle(request("GET", "/api/playlists"));
  const auto no_spa = app_.handle(request("GET", "/some/page"));

  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Json::parse(unknown.body)["error"]["code"], "not_found");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.header("Allow"), "GET");
  EXPECT_EQ(session.status, 401);
  EXPECT_EQ(no_spa.status, 404);
}

TEST_F(WebAppTest, ANumberOutOfRangeIsABadBodyNotAServerFault) {
  const auto response =
      app_.handle(request("POST", "/api/session", R"({"username":"root","password":1e400})",
                          {{"Content-Type", "application/json"}}));

  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_EQ(Json::parse(response.body)["error"]["code"], "invalid_input");
  EXPECT_NE(response.body.find("not valid JSON"), std::string::npos) << response.body;
  for (const auto& line : logs()) EXPECT_EQ(line.find("\"level\":\"error\""), std::string::npos);
}

TEST_F(WebAppTest, SetupThenSignInThenConnectWithoutAClientIdAnswersInvalidInput) {
  const std::string code = app_.setup_code();
  ASSERT_FALSE(code.empty());
  const auto setup = app_.handle(
      request("POST", "/api/setup",
              Json{{"username", "root"}, {"password", "0123456789"}, {"setup_code", code}}.dump(),
              {{"Content-Type", "application/json"}}));
  ASSERT_EQ(setup.status, 200) << setup.body;
  const std::string cookie(
      setup.header("Set-Cookie")->substr(0, setup.header("Set-Cookie")->find(';')));
  const std::string csrf = Json::parse(setup.body)["csrf_token"];

  const auto connect = app_.handle(
      request("POST", "/api/accounts/connect", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}));
  const auto jobs = app_.handle(request("GET", "/api/jobs", "", {{"Cookie", cookie}}));

  EXPECT_EQ(connect.status, 400);
  EXPECT_NE(connect.body.find("PLM_SPOTIFY_CLIENT_ID"), std::string::npos);
  EXPECT_EQ(jobs.status, 200);
  EXPECT_EQ(Json::parse(jobs.body)["jobs"], Json::array());
}

TEST_F(WebAppTest, TheJobsApiFiltersPagesAndAnswersOnlyForTheOwner) {
  const auto root = setup_root();
  const std::int64_t root_id =
      Json::parse(call("GET", "/api/session", nullptr, &root).body)["user"]["id"];
  const std::int64_t viewer_id = add_user(root, "vic", "viewer");
  const auto vic = browser_of(sign_in("vic", "vic-password"));
  std::vector<std::int64_t> ids;
  for (int account = 1; account <= 3; ++account)
    ids.push_back(jobs_.sync_account(root_id, account)->job.id);
  ids.push_back(jobs_.sync_playlist(root_id, 1, "P1")->job.id);
  const std::int64_t others = jobs_.sync_account(viewer_id, 9)->job.id;
  ASSERT_TRUE(jobs_.queue.cancel(ids[0]).has_value());
  auto list = [&](const std::string& query, const Browser& as) {
    const auto response = call("GET", "/api/jobs" + query, nullptr, &as);
    EXPECT_EQ(response.status, 200) << query << ": " << response.body;
    std::vector<std::string> listed;
    const Json body = Json::parse(response.body);
    for (const auto& job : body["jobs"]) listed.push_back(job["id"]);
    return std::pair(listed, body["next_before"]);
  };
  auto text = [](std::int64_t id) { return std::to_string(id); };

  const auto all = list("", root);
  const auto first_page = list("?limit=2", root);
  const auto second_page = list("?limit=2&before=" + text(ids[2]), root);
  const auto queued = list("?state=queued", root);
  const auto several = list("?state=cancelled,,running", root);
  const auto playlists = list("?kind=sync_playlist&playlist_id=P1", root);
  const auto of_account = list("?account_id=2", root);

  EXPECT_EQ(all.first, (std::vector{text(ids[3]), text(ids[2]), text(ids[1]), text(ids[0])}));
  EXPECT_EQ(all.second, nullptr);
  EXPECT_EQ(first_page.first, (std::vector{text(ids[3]), text(ids[2])}));
  EXPECT_EQ(first_page.second, text(ids[2]));
  EXPECT_EQ(second_page.first, (std::vector{text(ids[1]), text(ids[0])}));
  EXPECT_EQ(second_page.second, nullptr);
  EXPECT_EQ(queued.first, (std::vector{text(ids[3]), text(ids[2]), text(ids[1])}));
  EXPECT_EQ(several.first, std::vector{text(ids[0])});
  EXPECT_EQ(playlists.first, std::vector{text(ids[3])});
  EXPECT_EQ(of_account.first, std::vector{text(ids[1])});
  EXPECT_EQ(list("", vic).first, std::vector{text(others)});
  for (const char* bad : {"?state=partial", "?kind=edit", "?limit=0", "?limit=201", "?limit=x",
                          "?before=abc", "?account_id=1.5"}) {
    const auto refused = call("GET", std::string("/api/jobs") + bad, nullptr, &root);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(Json::parse(refused.body)["error"]["code"], "invalid_input") << bad;
  }
  const auto details = call("GET", "/api/jobs/" + text(ids[0]), nullptr, &root);
  ASSERT_EQ(details.status, 200) << details.body;
  const Json cancelled = Json::parse(details.body);
  EXPECT_EQ(cancelled["job"]["state"], "cancelled");
  EXPECT_EQ(cancelled["history"].size(), 2u);  // enqueued, cancelled
  EXPECT_EQ(cancelled["items"], Json::array());
  for (const std::string& path : std::vector<std::string>{
           "/api/jobs/" + text(others), "/api/jobs/0", "/api/jobs/999999", "/api/jobs/x1"}) {
    EXPECT_EQ(call("GET", path, nullptr, &root).status, 404) << path;
    EXPECT_EQ(call("POST", path + "/cancel", nullptr, &root).status, 404) << path;
  }
  const auto by_viewer = call("POST", "/api/jobs/" + text(others) + "/cancel", nullptr, &vic);
  const auto cancel = call("POST", "/api/jobs/" + text(ids[1]) + "/cancel", nullptr, &root);
  const auto again = call("POST", "/api/jobs/" + text(ids[1]) + "/cancel", nullptr, &root);
  EXPECT_EQ(by_viewer.status, 403);  // viewers read, editors cancel
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(Json::parse(cancel.body)["state"], "cancelled");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Json::parse(again.body)["error"]["code"], "conflict");
}

TEST_F(WebAppTest, AnAccountShowsItsLastSyncFailureUntilASyncSucceeds) {
  const auto root = setup_root();
  const std::int64_t root_id =
      Json::parse(call("GET", "/api/session", nullptr, &root).body)["user"]["id"];
  core::SpotifyAccount stored;
  stored.app_user_id = root_id;
  stored.spotify_user_id = "alice";
  stored.display_name = "Alice";
  const std::int64_t account = *store_.upsert_account(stored);
  auto last_failure = [&] {
    const auto listed = call("GET", "/api/accounts", nullptr, &root);
    EXPECT_EQ(listed.status, 200) << listed.body;
    return Json::parse(listed.body)["accounts"][0]["last_sync_failure"];
  };
  // Runs the account's next queued job of `kind` and ends it with `end`.
  auto run = [&](core::JobKind kind, const std::function<void(std::int64_t)>& end) {
    const auto claimed = jobs_.queue.claim("w", {kind}, std::chrono::minutes(1));
    EXPECT_TRUE(claimed && *claimed) << "nothing to claim";
    end((*claimed)->id);
    return (*claimed)->id;
  };
  const core::Error rate_limited =
      core::make_error(core::ErrorCode::RateLimited, "Spotify asked to wait");

  const Json before_any = last_failure();
  // Failed once with a retry time: queued again, not ended.
  ASSERT_TRUE(jobs_.sync_account(root_id, account).has_value());
  run(core::JobKind::SyncAccount, [&](std::int64_t id) {
    ASSERT_TRUE(jobs_.queue.fail(id, "w", rate_limited, clock_.now()).has_value());
  });
  const Json while_retrying = last_failure();
  const std::int64_t failed = run(core::JobKind::SyncAccount, [&](std::int64_t id) {
    ASSERT_TRUE(jobs_.queue.fail(id, "w", rate_limited, std::nullopt).has_value());
  });
  const Json after_failure = last_failure();
  // Another kind of job of the account, failing: not a sync.
  ASSERT_TRUE(jobs_.run_batch(root_id, account, {}, {}, std::nullopt).has_value());
  run(core::JobKind::BatchEdit, [&](std::int64_t id) {
    ASSERT_TRUE(jobs_.queue.fail(id, "w", rate_limited, std::nullopt).has_value());
  });
  const Json after_other_kind = last_failure();
  clock_.advance(std::chrono::minutes(5));
  const std::int64_t cancelled = jobs_.sync_account(root_id, account)->job.id;
  ASSERT_TRUE(jobs_.queue.cancel(cancelled).has_value());
  const Json after_cancel = last_failure();
  ASSERT_TRUE(jobs_.sync_account(root_id, account).has_value());
  run(core::JobKind::SyncAccount, [&](std::int64_t id) {
    ASSERT_TRUE(jobs_.queue.complete(id, "w", core::JobState::Succeeded, "synced").has_value());
  });
  const Json after_success = last_failure();
  ASSERT_TRUE(jobs_.sync_account(root_id, account).has_value());
  run(core::JobKind::SyncAccount, [&](std::int64_t id) {
    ASSERT_TRUE(jobs_.queue
                    .fail(id, "w", core::make_error(core::ErrorCode::Internal, "SQL: no such row"),
                          std::nullopt)
                    .has_value());
  });
  const Json after_internal = last_failure();

  EXPECT_EQ(before_any, nullptr);
  EXPECT_EQ(while_retrying, nullptr);
  EXPECT_EQ(after_failure,
            (Json{{"job_id", std::to_string(failed)},
                  {"code", "rate_limited"},
                  {"message", "Spotify asked to wait"},
                  {"ended_at", core::format_utc(clock_.now() - std::chrono::minutes(5))}}));
  EXPECT_EQ(after_other_kind, after_failure);
  EXPECT_EQ(after_cancel["job_id"], std::to_string(cancelled));
  EXPECT_EQ(after_cancel["code"], "cancelled");
  EXPECT_EQ(after_cancel["ended_at"], core::format_utc(clock_.now()));
  EXPECT_EQ(after_success, nullptr);
  EXPECT_EQ(after_internal["code"], "internal");
  EXPECT_EQ(after_internal["message"], "the job failed; the server log has details");
}

TEST_F(WebAppTest, FinishedJobsAreDeletedAfterThirtyDays) {
  const auto finished_long_ago = jobs_.sync_account(1, 1)->job.id;
  ASSERT_TRUE(jobs_.queue.cancel(finished_long_ago).has_value());
  const auto waiting_long = jobs_.sync_account(1, 2)->job.id;
  clock_.advance(std::chrono::hours(24 * 20));
  app_.maintain();  // nothing is 30 days old yet
  const bool kept_at_20_days = jobs_.queue.find_job(finished_long_ago)->has_value();
  const auto finished_lately = jobs_.sync_account(1, 3)->job.id;
  ASSERT_TRUE(jobs_.queue.cancel(finished_lately).has_value());
  clock_.advance(std::chrono::hours(24 * 10 + 1));

  app_.maintain();

  EXPECT_TRUE(kept_at_20_days);
  EXPECT_FALSE(jobs_.queue.find_job(finished_long_ago)->has_value());
  EXPECT_TRUE(jobs_.queue.find_job(waiting_long)->has_value());  // not finished: never deleted
  EXPECT_TRUE(jobs_.queue.find_job(finished_lately)->has_value());
}

TEST_F(WebAppTest, PlaylistListFromMemoryOnlyOnceCachedAndThenLikeHandle) {
  const auto setup = app_.handle(request(
      "POST", "/api/setup",
      Json{{"username", "root"}, {"password", "0123456789"}, {"setup_code", app_.setup_code()}}
          .dump(),
      {{"Content-Type", "application/json"}}));
  ASSERT_EQ(setup.status, 200) << setup.body;
  const std::string cookie(
      setup.header("Set-Cookie")->substr(0, setup.header("Set-Cookie")->find(';')));
  const auto list = request("GET", "/api/playlists", "", {{"Cookie", cookie}});

  const auto before_cached = app_.handle_from_memory(list);
  const auto answered = app_.handle(list);
  const auto from_memory = app_.handle_from_memory(list);
  const auto stranger =
      app_.handle_from_memory(request("GET", "/api/playlists", "", {{"Cookie", "plm_session=x"}}));
  const auto other_route =
      app_.handle_from_memory(request("GET", "/api/accounts", "", {{"Cookie", cookie}}));
  clock_.advance(std::chrono::minutes(2));  // activity is due to be written: not from memory
  const auto due = app_.handle_from_memory(list);

  EXPECT_FALSE(before_cached);
  ASSERT_TRUE(from_memory);
  EXPECT_EQ(from_memory->status, answered.status);
  EXPECT_EQ(from_memory->body, answered.body);
  EXPECT_EQ(from_memory->header("ETag"), answered.header("ETag"));
  EXPECT_TRUE(from_memory->header("X-Request-Id"));
  EXPECT_TRUE(from_memory->header("X-Content-Type-Options"));
  EXPECT_FALSE(stranger);
  EXPECT_FALSE(other_route);
  EXPECT_FALSE(due);
}

TEST_F(WebAppTest, AnAdminDemotedWhileSigningInGetsNoSessionWithTheOldRole) {
  const Browser root = setup_root();
  const std::int64_t ann = add_user(root, "ann", "admin");
  bool demoted = false;
  hook_ = [&](std::string_view point) {
    // The password has been verified with the admin copy of the user; the demotion lands now.
    if (point != "session.create.verified" || demoted) return;
    demoted = true;
    const auto patched =
        call("PATCH", "/api/users/" + std::to_string(ann), Json{{"role", "viewer"}}, &root);
    EXPECT_EQ(patched.status, 200) << patched.body;
  };

  const auto racing = sign_in("ann", "ann-password");
  hook_ = nullptr;
  const auto again = sign_in("ann", "ann-password");
  const Browser browser = browser_of(again);
  const auto create =
      call("POST", "/api/users",
           Json{{"username", "eve"}, {"password", "eve-password"}, {"role", "admin"}}, &browser);

  EXPECT_TRUE(demoted);
  EXPECT_EQ(racing.status, 401) << racing.body;
  EXPECT_FALSE(racing.header("Set-Cookie"));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Json::parse(again.body)["user"]["role"], "viewer");
  EXPECT_EQ(create.status, 403);
}

TEST_F(WebAppTest, ParallelWrongPasswordsGetExactlyFiveTries) {
  const Browser root = setup_root();
  add_user(root, "bob", "viewer");
  int unauthorized = 0;
  int throttled = 0;
  bool inside = false;
  auto count = [&](const http::Response& response) {
    unauthorized += response.status == 401 ? 1 : 0;
    throttled += response.status == 429 ? 1 : 0;
  };
  // While the first attempt is being verified (the slow hash), ten more arrive.
  on_verify_ = [&] {
    if (inside) return;
    inside = true;
    for (int i = 0; i < 10; ++i) count(sign_in("bob", "wrong password"));
  };

  count(sign_in("bob", "wrong password"));

  EXPECT_EQ(unauthorized, 5);
  EXPECT_EQ(throttled, 6);
  on_verify_ = nullptr;
  EXPECT_EQ(sign_in("bob", "bob-password").status, 429);  // blocked even with the right one
}

TEST_F(WebAppTest, WrongPasswordsFromOneAddressNeverKeepTheRightOneOutFromAnother) {
  const Browser root = setup_root();
  add_user(root, "bob", "viewer");
  std::vector<int> attacker;
  for (int i = 0; i < 8; ++i) attacker.push_back(sign_in_from("192.0.2.66", "bob", "guess").status);

  const auto owner = sign_in_from("198.51.100.7", "bob", "bob-password");
  const auto attacker_right = sign_in_from("192.0.2.66", "bob", "bob-password");
  const auto attacker_other_name = sign_in_from("192.0.2.66", "root", "guess");

  EXPECT_EQ(attacker, (std::vector<int>{401, 401, 401, 401, 401, 429, 429, 429}));
  EXPECT_EQ(owner.status, 200) << owner.body;
  EXPECT_EQ(owner.delay, std::chrono::milliseconds(0));  // one address does not even slow bob
  EXPECT_EQ(attacker_right.status, 429);  // that address and name stay locked together
  EXPECT_EQ(attacker_other_name.status, 401);
}

TEST_F(WebAppTest, AnAddressGuessingManyNamesIsStopped) {
  const Browser root = setup_root();
  add_user(root, "bob", "viewer");
  std::vector<int> statuses;
  for (int i = 0; i < 20; ++i) {
    const std::string name =
        i % 2 ? "name-" + std::to_string(i) : "not a name " + std::to_string(i);
    statuses.push_back(sign_in_from("192.0.2.66", name, "guess").status);
  }

  const auto stopped = sign_in_from("192.0.2.66", "bob", "bob-password");
  const auto elsewhere = sign_in_from("198.51.100.7", "bob", "bob-password");
  clock_.advance(std::chrono::minutes(15));
  const auto later = sign_in_from("192.0.2.66", "bob", "bob-password");

  EXPECT_EQ(statuses, std::vector<int>(20, 401));
  EXPECT_EQ(stopped.status, 429);
  EXPECT_TRUE(stopped.header("Retry-After"));
  EXPECT_EQ(elsewhere.status, 200);
  EXPECT_EQ(later.status, 200);
}

TEST_F(WebAppTest, ManyAddressesGuessingOneNameSlowItDownForEveryoneButNeverRefuseIt) {
  const Browser root = setup_root();
  add_user(root, "bob", "viewer");
  for (int address = 1; address <= 2; ++address) {
    for (int i = 0; i < 5; ++i) {
      const auto wrong = sign_in_from("192.0.2." + std::to_string(address), "bob", "guess");
      EXPECT_EQ(wrong.status, 401);
      EXPECT_EQ(wrong.delay, std::chrono::milliseconds(0));  // 10 failures: not slowed yet
    }
  }

  std::vector<std::chrono::milliseconds> delays;
  for (int address = 3; address <= 9; ++address)
    delays.push_back(sign_in_from("192.0.2." + std::to_string(address), "bob", "guess").delay);
  const auto owner = sign_in_from("198.51.100.7", "bob", "bob-password");
  const auto other_user = sign_in_from("198.51.100.8", "root", "0123456789");
  clock_.advance(std::chrono::minutes(15));
  const auto after_the_window = sign_in_from("198.51.100.7", "bob", "bob-password");

  using std::chrono::seconds;
  EXPECT_EQ(delays,
            (std::vector<std::chrono::milliseconds>{seconds(1), seconds(2), seconds(4), seconds(8),
                                                    seconds(15), seconds(15), seconds(15)}));
  EXPECT_EQ(owner.status, 200) << owner.body;  // slowed, never refused
  EXPECT_EQ(owner.delay, seconds(15));
  EXPECT_EQ(other_user.delay, std::chrono::milliseconds(0));
  EXPECT_EQ(after_the_window.status, 200);
  EXPECT_EQ(after_the_window.delay, std::chrono::milliseconds(0));
}

TEST_F(WebAppTest, TwoAdminsDemotingEachOtherLeaveOneAdmin) {
  const Browser root = setup_root();
  const std::int64_t ann_id = add_user(root, "ann", "admin");
  const Browser ann = browser_of(sign_in("ann", "ann-password"));
  std::mutex mutex;
  std::condition_variable changed;
  int before_lock = 0;
  std::atomic<bool> started{false};
  std::thread second;
  http::Response ann_demotes_root;
  hook_ = [&](std::string_view point) {
    if (point == "users.before_lock") {
      std::lock_guard lock(mutex);
      ++before_lock;
      changed.notify_all();
    } else if (point == "users.checked" && !started.exchange(true)) {
      // Root passed the last-admin check; ann's request arrives before root's change is made.
      second = std::thread([&] {
        ann_demotes_root = call("PATCH", "/api/users/1", Json{{"role", "viewer"}}, &ann);
      });
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return before_lock >= 2; });
    }
  };

  const auto root_demotes_ann =
      call("PATCH", "/api/users/" + std::to_string(ann_id), Json{{"role", "viewer"}}, &root);
  second.join();
  hook_ = nullptr;

  EXPECT_EQ(root_demotes_ann.status, 200) << root_demotes_ann.body;
  EXPECT_EQ(ann_demotes_root.status, 409) << ann_demotes_root.body;
  EXPECT_EQ((*store_.find_user(1))->role, core::Role::Admin);
}

TEST_F(WebAppTest, EventStreamsEndWithSignOutPasswordChangeAndTheirLifetime) {
  setup_root();
  Browser root = browser_of(sign_in("root", "0123456789"));
  const auto first = call("GET", "/api/events", nullptr, &root);
  ASSERT_TRUE(first.stream);
  const auto signed_out = call("DELETE", "/api/session", nullptr, &root);
  ASSERT_EQ(signed_out.status, 204);
  EXPECT_TRUE(first.stream->finished());

  // A copied cookie's stream ends when the password changes; this browser gets a new session.
  root = browser_of(sign_in("root", "0123456789"));
  const auto copied = call("GET", "/api/events", nullptr, &root);
  const auto changed =
      call("POST", "/api/me/password",
           Json{{"current_password", "0123456789"}, {"new_password", "a new password"}}, &root);
  ASSERT_EQ(changed.status, 204) << changed.body;
  EXPECT_TRUE(copied.stream->finished());
  ASSERT_TRUE(changed.header("X-CSRF-Token"));
  const Browser rotated{cookie_of(changed), std::string(*changed.header("X-CSRF-Token"))};
  EXPECT_NE(rotated.cookie, root.cookie);
  EXPECT_NE(rotated.csrf, root.csrf);
  EXPECT_EQ(call("GET", "/api/session", nullptr, &root).status, 401);  // the old cookie is dead
  EXPECT_EQ(call("GET", "/api/session", nullptr, &rotated).status, 200);

  // Streams end after their lifetime (the client reconnects through authentication) and when
  // their session ends elsewhere (the CLI).
  const auto old_stream = call("GET", "/api/events", nullptr, &rotated);
  clock_.advance(std::chrono::minutes(61));
  const auto young_stream = call("GET", "/api/events", nullptr, &rotated);
  app_.maintain();
  EXPECT_TRUE(old_stream.stream->finished());
  EXPECT_FALSE(young_stream.stream->finished());
  ASSERT_TRUE(store_.delete_sessions_of(1, ""));
  app_.maintain();
  EXPECT_TRUE(young_stream.stream->finished());
}

TEST_F(WebAppTest, DeletingAUserEndsTheirStreamsAndSignInEndsTheBrowsersPreviousSession) {
  const Browser root = setup_root();
  const std::int64_t ann_id = add_user(root, "ann", "editor");
  const Browser ann = browser_of(sign_in("ann", "ann-password"));
  const auto stream = call("GET", "/api/events", nullptr, &ann);
  ASSERT_TRUE(stream.stream);
  const auto again = sign_in("root", "0123456789", &root);  // same browser, signs in again

  EXPECT_EQ(call("DELETE", "/api/users/" + std::to_string(ann_id), nullptr, &root).status, 401);
  const Browser root2 = browser_of(again);
  EXPECT_EQ(call("DELETE", "/api/users/" + std::to_string(ann_id), nullptr, &root2).status, 204);
  EXPECT_TRUE(stream.stream->finished());
}

TEST_F(WebAppTest, MetricsOnlyForDirectLoopbackScrapesAndAdmins) {
  const Browser root = setup_root();
  add_user(root, "vic", "viewer");
  const Browser vic = browser_of(sign_in("vic", "vic-password"));
  auto from = [&](const std::string& address, std::vector<http::Field> headers,
                  const Browser* as = nullptr) {
    if (as) headers.emplace_back("Cookie", as->cookie);
    auto metrics = request("GET", "/metrics", "", headers);
    metrics.remote_address = address;
    return app_.handle(metrics).status;
  };

  EXPECT_EQ(from("127.0.0.1", {}), 200);
  EXPECT_EQ(from("::1", {}), 200);
  EXPECT_EQ(from("192.0.2.7", {}), 404);
  EXPECT_EQ(from("127.0.0.1", {{"X-Forwarded-For", "192.0.2.7"}}), 404);
  EXPECT_EQ(from("127.0.0.1", {{"X-Forwarded-For", "192.0.2.7"}}, &vic), 404);
  EXPECT_EQ(from("192.0.2.7", {}, &root), 200);
}

TEST_F(WebAppTest, ForwardedRequestsWithoutTrustProxyAreWarnedAboutOnce) {
  app_.handle(request("GET", "/healthz", "", {{"X-Forwarded-For", "192.0.2.1"}}));
  app_.handle(request("GET", "/healthz", "", {{"X-Forwarded-For", "192.0.2.2"}}));
  int warnings = 0;
  for (const auto& line : logs())
    warnings += line.find("web.proxy_not_trusted") != std::string::npos;
  EXPECT_EQ(warnings, 1);
}

// ---- the pipeline over a route table of the test's own ------------------------------------------

/// Answers with the uploaded bytes and their type, so a test sees exactly what reached it.
http::Response echo_upload(App&, Context& context) {
  return http::Response::text(200, std::string(context.upload->bytes), context.upload->media_type);
}

/// Answers with the number of keys of the parsed JSON body.
http::Response echo_json(App&, Context& context) {
  return http::Response::json(200, Json{{"keys", context.body.size()}}.dump());
}

constexpr std::size_t kCoverBytes = 256 * 1024;  // Spotify's limit for a cover (base64)

std::vector<Route> routes_with_uploads() {
  std::vector<Route> routes = api_routes();
  routes.push_back({"PUT", "/api/test/cover", Access::SignedIn, core::Role::Editor,
                    upload_body(kCoverBytes, {"image/jpeg"}), echo_upload});
  routes.push_back({"POST", "/api/test/large-json", Access::SignedIn, core::Role::Viewer,
                    json_body(100 * 1024), echo_json});
  routes.push_back(
      {"POST", "/api/test/workbook", Access::SignedIn, core::Role::Viewer,
       upload_body(1024, {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
       echo_upload});
  return routes;
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    EXPECT_TRUE(store_.create_user("ed", "hash:ed-password", core::Role::Editor));
    EXPECT_TRUE(store_.create_user("vic", "hash:vic-password", core::Role::Viewer));
  }
  struct SignedInAs {
    std::string cookie;
    std::string csrf;
  };
  SignedInAs sign_in(const std::string& name) {
    const auto response = app_.handle(request(
        "POST", "/api/session", Json{{"username", name}, {"password", name + "-password"}}.dump(),
        {{"Content-Type", "application/json"}}));
    EXPECT_EQ(response.status, 200) << response.body;
    const auto cookie = response.header("Set-Cookie").value_or("");
    return {std::string(cookie.substr(0, cookie.find(';'))),
            Json::parse(response.body).value("csrf_token", "")};
  }
  http::Response upload(const std::string& method, const std::string& path, std::string bytes,
                        std::optional<std::string> type, const SignedInAs* as) {
    std::vector<http::Field> headers;
    if (type) headers.emplace_back("Content-Type", *type);
    if (as) {
      headers.emplace_back("Cookie", as->cookie);
      headers.emplace_back("X-CSRF-Token", as->csrf);
    }
    return app_.handle(request(method, path, std::move(bytes), headers));
  }
  static std::string code_of(const http::Response& response) {
    return Json::parse(response.body)["error"].value("code", "");
  }

  test_support::InMemoryStore store_;
  test_support::ManualClock clock_;
  NoSpotify spotify_;
  QueueOnlyJobs jobs_{clock_};
  App app_{WebDeps{store_, store_, store_, store_, clock_, spotify_, fake_crypto(), jobs_.queue,
                   jobs_, store_, store_, store_},
           WebOptions{.static_dir = "",
                      .maintenance_interval = std::chrono::milliseconds(0),
                      .log = [](std::string_view) {}},
           routes_with_uploads()};
};

TEST_F(PipelineTest, AnUploadRouteHandsTheBytesAndTheirTypeToItsHandler) {
  const auto ed = sign_in("ed");
  std::string jpeg(kCoverBytes, '\0');  // exactly at the limit, binary
  for (std::size_t i = 0; i < jpeg.size(); ++i) jpeg[i] = static_cast<char>(i * 7);

  const auto stored = upload("PUT", "/api/test/cover", jpeg, "image/jpeg", &ed);
  const auto with_parameters =
      upload("PUT", "/api/test/cover", "\xFF\xD8\xFF", "Image/JPEG; name=cover.jpg", &ed);

  ASSERT_EQ(stored.status, 200) << stored.body.substr(0, 200);
  EXPECT_EQ(stored.body, jpeg);
  EXPECT_EQ(stored.header("Content-Type"), "image/jpeg");
  ASSERT_EQ(with_parameters.status, 200) << with_parameters.body;
  EXPECT_EQ(with_parameters.body, "\xFF\xD8\xFF");
}

TEST_F(PipelineTest, AnUploadOverItsRoutesLimitOrOfAnotherTypeIsRefused) {
  const auto ed = sign_in("ed");

  const auto too_large =
      upload("PUT", "/api/test/cover", std::string(kCoverBytes + 1, 'x'), "image/jpeg", &ed);
  const auto png = upload("PUT", "/api/test/cover", "\x89PNG", "image/png", &ed);
  const auto untyped = upload("PUT", "/api/test/cover", "\xFF\xD8", std::nullopt, &ed);
  const auto json = upload("PUT", "/api/test/cover", "{}", "application/json", &ed);
  // Each route has its own limit: 1 KiB for this one.
  const auto workbook =
      upload("POST", "/api/test/workbook", std::string(1025, 'x'),
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &ed);

  EXPECT_EQ(too_large.status, 413);
  EXPECT_EQ(code_of(too_large), "payload_too_large");
  EXPECT_NE(too_large.body.find("at most 262144"), std::string::npos) << too_large.body;
  EXPECT_EQ(png.status, 415);
  EXPECT_EQ(code_of(png), "unsupported_media_type");
  EXPECT_NE(png.body.find("image/jpeg"), std::string::npos) << png.body;
  EXPECT_EQ(untyped.status, 415);
  EXPECT_EQ(json.status, 415);
  EXPECT_EQ(workbook.status, 413);
}

TEST_F(PipelineTest, AJsonRouteWithALimitOfItsOwnTakesLargerBodiesUpToIt) {
  const auto ed = sign_in("ed");
  const std::string large = Json{{"text", std::string(80 * 1024, 'x')}}.dump();  // over 64 KiB
  const std::string too_large = Json{{"text", std::string(100 * 1024, 'x')}}.dump();

  const auto accepted = upload("POST", "/api/test/large-json", large, "application/json", &ed);
  const auto refused = upload("POST", "/api/test/large-json", too_large, "application/json", &ed);
  const auto default_rule = upload("PUT", "/api/accounts/1/playlists/p/tags", large,
                                   "application/json", &ed);  // kJsonBody: 64 KiB

  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(refused.status, 413);
  EXPECT_NE(refused.body.find("at most 102400"), std::string::npos) << refused.body;
  EXPECT_EQ(default_rule.status, 413);
}

TEST_F(PipelineTest, AnUploadRouteChecksSessionCsrfAndRoleFirst) {
  const auto ed = sign_in("ed");
  const auto vic = sign_in("vic");
  const SignedInAs forged{ed.cookie, "not-the-token"};

  EXPECT_EQ(upload("PUT", "/api/test/cover", "\xFF", "image/jpeg", nullptr).status, 401);
  EXPECT_EQ(upload("PUT", "/api/test/cover", "\xFF", "image/jpeg", &forged).status, 403);
  const auto viewer = upload("PUT", "/api/test/cover", "\xFF", "image/jpeg", &vic);
  EXPECT_EQ(viewer.status, 403);
  EXPECT_EQ(code_of(viewer), "forbidden");
  // The table's other routes answer as before.
  EXPECT_EQ(upload("GET", "/api/test/cover", "", std::nullopt, &ed).status, 405);
  EXPECT_EQ(upload("GET", "/api/jobs", "", std::nullopt, &vic).status, 200);
}

TEST(PipelineTable, APublicUploadRouteIsRefused) {
  test_support::InMemoryStore store;
  test_support::ManualClock clock;
  NoSpotify spotify;
  QueueOnlyJobs jobs(clock);
  std::vector<Route> routes{{"POST", "/api/open-upload", Access::Public, core::Role::Viewer,
                             upload_body(10, {"text/plain"}), echo_upload}};

  EXPECT_THROW(
      App(WebDeps{store, store, store, store, clock, spotify, fake_crypto(), jobs.queue, jobs,
                  store, store, store},
          WebOptions{.static_dir = "", .maintenance_interval = std::chrono::milliseconds(0)},
          routes),
      std::logic_error);
}

TEST(WebAppPublicUrl, ADefaultPortInThePublicUrlStillMatchesTheOriginBrowsersSend) {
  test_support::InMemoryStore store;
  test_support::ManualClock clock;
  NoSpotify spotify;
  QueueOnlyJobs jobs(clock);
  WebApp app(WebDeps{store, store, store, store, clock, spotify, fake_crypto(), jobs.queue, jobs,
                     store, store, store},
             WebOptions{.public_url = "https://Music.Example.org:443/plm/",
                        .static_dir = "",
                        .maintenance_interval = std::chrono::milliseconds(0),
                        .log = [](std::string_view) {}});
  const std::string body =
      Json{{"username", "root"}, {"password", "0123456789"}, {"setup_code", app.setup_code()}}
          .dump();
  auto from = [&](const std::string& origin) {
    return app.handle(request("POST", "/api/setup", body,
                              {{"Content-Type", "application/json"}, {"Origin", origin}}));
  };

  const auto foreign = from("https://music.example.org:8443");
  const auto plain = from("http://music.example.org");
  const auto browser = from("https://music.example.org");  // browsers leave :443 out

  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(plain.status, 403);
  EXPECT_EQ(browser.status, 200) << browser.body;
  EXPECT_NE(browser.header("Set-Cookie")->find("Path=/plm/;"), std::string::npos);
  // What is derived from the public URL is spelt as browsers spell it, port left out.
  EXPECT_EQ(app.spotify_redirect_uri(), "https://music.example.org/plm/api/spotify/callback");
}

}  // namespace
}  // namespace plm::web
