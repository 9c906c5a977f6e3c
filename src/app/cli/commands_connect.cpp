// plm connect: connect a Spotify account (OAuth 2.0 with PKCE), interactive on a loopback
// listener, or headless in two steps (--print-url, then --callback URL).

#include <sys/stat.h>

#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "spotify/oauth.hpp"
#include "web/job_json.hpp"
#include "web/url.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

constexpr int kDefaultTimeoutSeconds = 300;
constexpr std::string_view kLoopback = "http://127.0.0.1";

std::string pending_file(const Config& config) { return config.data_dir + "/pending-connect.json"; }

/// Exchanges the code in a callback's query for tokens and stores the account.
ExitCode complete_connect(CommandContext& context, spotify::Authorizer& authorizer,
                          const core::AppUser& user, const std::string& query,
                          const std::string& state, const std::string& verifier,
                          const std::string& redirect_uri) {
  auto code = spotify::code_from_callback(query, state);
  if (!code) return context.fail(code.error());
  auto tokens = authorizer.exchange_code(*code, redirect_uri, verifier);
  if (!tokens) return context.fail(tokens.error());
  auto& services = context.services();
  // Nothing is stored before the account exists: a refresh the profile call needs comes back
  // with the profile and is stored with the account.
  auto identified = services.identify(*tokens);
  if (!identified) return context.fail(identified.error());
  const core::SpotifyProfile& profile = identified->profile;
  core::SpotifyAccount account;
  account.app_user_id = user.id;
  account.client_id = context.config().spotify_client_id;
  account.tokens = identified->tokens;
  account.spotify_user_id = profile.id;
  account.display_name = profile.display_name;
  auto id = services.accounts().upsert_account(account);
  if (!id) return context.fail(id.error());
  account.id = *id;
  auto playlists = services.playlists().playlists_of(*id);  // kept when an account reconnects
  if (!playlists) return context.fail(playlists.error());
  auto busy = accounts_with_jobs(services.jobs(), user.id);
  if (!busy) return context.fail(busy.error());
  auto failure = web::last_sync_failure_json(services.jobs(), *id);  // a reconnect keeps its jobs
  if (!failure) return context.fail(failure.error());
  return context.output().result(
      account_shape(account, services.clock().now(), static_cast<std::int64_t>(playlists->size()),
                    busy->contains(*id), Json::parse(*failure)),
      "connected Spotify account " + profile.id + " (" + profile.display_name + ") as account " +
          std::to_string(*id) + " of " + user.username);
}

/// Headless, second step: the URL the browser was redirected to, against the saved state.
ExitCode finish_connect(CommandContext& context, spotify::Authorizer& authorizer,
                        const core::AppUser& user, const std::string& callback) {
  const std::string pending_path = pending_file(context.config());
  std::ifstream file(pending_path);
  if (!file) {
    return context.fail(core::make_error(
        core::ErrorCode::InvalidInput,
        "no pending connection: run `plm connect --print-url` first, then --callback"));
  }
  Json pending;
  try {
    pending = Json::parse(file);
  } catch (const Json::exception&) {
    return context.fail(
        core::make_error(core::ErrorCode::Internal,
                         pending_path + " is damaged: run `plm connect --print-url` again"));
  }
  const auto question = callback.find('?');
  const std::string query =
      question == std::string::npos ? callback : callback.substr(question + 1);
  const ExitCode code =
      complete_connect(context, authorizer, user, query, pending.value("state", ""),
                       pending.value("code_verifier", ""), pending.value("redirect_uri", ""));
  if (code == ExitCode::Ok) std::filesystem::remove(pending_path);
  return code;
}

/// Headless, first step: prints the authorize URL and saves what the callback needs (0600).
ExitCode print_authorize_url(CommandContext& context, spotify::Authorizer& authorizer,
                             const std::string& redirect) {
  const auto request = authorizer.start(redirect);
  const std::string pending_path = pending_file(context.config());
  std::ofstream file(pending_path, std::ios::trunc);
  ::chmod(pending_path.c_str(), 0600);
  file << Json{{"state", request.state},
               {"code_verifier", request.code_verifier},
               {"redirect_uri", redirect}}
              .dump();
  return context.output().result(Json{{"authorize_url", request.url}, {"redirect_uri", redirect}},
                                 request.url);
}

/// Where a loopback redirect URI sends the browser: its port (0: any) and path.
struct LoopbackTarget {
  std::uint16_t port = 0;
  std::string path;
};

/// nullopt when `redirect` is not http://127.0.0.1...: the parsed host, not a prefix of the text
/// ("http://127.0.0.10/" and "http://127.0.0.1.nip.io/" start with "http://127.0.0.1" too).
core::Result<std::optional<LoopbackTarget>> loopback_target(const std::string& redirect) {
  const auto parsed = web::parse_url(redirect);
  if (!parsed || parsed->scheme != "http" || parsed->host != "127.0.0.1")
    return std::optional<LoopbackTarget>();
  const std::uint16_t port =
      parsed->port.empty() ? 0 : static_cast<std::uint16_t>(parsed->effective_port());
  return std::optional<LoopbackTarget>({port, parsed->path});
}

/// Interactive: prints the URL and waits for Spotify to redirect the browser to a listener on
/// 127.0.0.1; anything but the answer to our own request is turned away and the wait goes on.
ExitCode connect_interactively(CommandContext& context, spotify::Authorizer& authorizer,
                               const core::AppUser& user, const LoopbackTarget& target) {
  const int timeout_s = context.invocation().number("--timeout").value_or(kDefaultTimeoutSeconds);
  std::mutex mutex;
  std::condition_variable arrived;
  std::optional<std::string> query;
  std::string expected_state;  // set before the URL is shown; guarded by `mutex`
  http::Server server(
      [&](const http::Request& request) {
        if (request.path != target.path) return http::Response::text(404, "not found");
        {
          std::lock_guard lock(mutex);
          if (request.query_param("state") != std::optional<std::string_view>(expected_state)) {
            return http::Response::text(400, "this is not the answer plm is waiting for");
          }
          const auto question = request.target.find('?');
          query = request.target.substr(question == std::string::npos ? request.target.size()
                                                                      : question + 1);
        }
        arrived.notify_all();
        return http::Response::text(
            200,
            "<!doctype html><meta charset=utf-8><title>plm</title><p>plm received the "
            "answer from Spotify. You can close this tab.",
            "text/html; charset=utf-8");
      },
      http::ServerOptions{.host = "127.0.0.1", .port = target.port, .threads = 1});
  server.start();
  const std::string actual_redirect = std::string(kLoopback) + ":" + std::to_string(server.port()) +
                                      (target.path.starts_with('/') ? "" : "/") + target.path;
  const auto request = authorizer.start(actual_redirect);
  {
    std::lock_guard lock(mutex);
    expected_state = request.state;
  }
  if (context.json()) {
    context.out() << Json{{"authorize_url", request.url}, {"redirect_uri", actual_redirect}}.dump()
                  << std::endl;
  } else {
    context.out() << "Open this URL in a browser to connect your Spotify account:\n"
                  << request.url << std::endl;
  }
  std::unique_lock lock(mutex);
  if (!arrived.wait_for(lock, std::chrono::seconds(timeout_s), [&] { return query.has_value(); })) {
    return context.fail(core::make_error(
        core::ErrorCode::Unavailable, "no answer from Spotify within " + std::to_string(timeout_s) +
                                          " s; run `plm connect` again"));
  }
  const std::string received = *query;
  lock.unlock();
  server.stop();
  return complete_connect(context, authorizer, user, received, request.state, request.code_verifier,
                          actual_redirect);
}

ExitCode connect(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto authorizer = context.services().authorizer();
  if (!authorizer) return context.fail(authorizer.error());
  const std::string& redirect = context.config().spotify_redirect_uri;
  if (redirect.find("://localhost") != std::string::npos) {
    return context.fail(core::make_error(
        core::ErrorCode::InvalidInput,
        "Spotify refuses redirect URIs on localhost (PLM_SPOTIFY_REDIRECT_URI=" + redirect +
            ", from " + origin_of(context.config(), "PLM_SPOTIFY_REDIRECT_URI") +
            "); use http://127.0.0.1/callback instead"));
  }
  const auto& invocation = context.invocation();
  if (const auto callback = invocation.value("--callback")) {
    return finish_connect(context, **authorizer, *user, *callback);
  }
  if (invocation.has("--print-url")) return print_authorize_url(context, **authorizer, redirect);

  auto target = loopback_target(redirect);
  if (!target) return context.fail(target.error());
  if (!*target) {
    return context.fail(core::make_error(core::ErrorCode::InvalidInput,
                                         "interactive connect needs a loopback redirect URI "
                                         "(http://127.0.0.1/...); with " +
                                             redirect + " use --print-url and --callback"));
  }
  // A loopback IP registered without a port matches any port at Spotify.
  if (const auto port = invocation.number("--port")) {
    (*target)->port = static_cast<std::uint16_t>(*port);
  }
  return connect_interactively(context, **authorizer, *user, **target);
}

}  // namespace

CommandGroup connect_commands() {
  return {
      .name = "connect",
      .summary = "connect a Spotify account (OAuth 2.0 with PKCE)",
      .commands = {
          {.summary = "connect a Spotify account to the acting plm user (OAuth 2.0 with PKCE)",
           .flags = {{.name = "--port",
                      .value_name = "N",
                      .description = "listen for Spotify's answer on this loopback port "
                                     "(default: the redirect URI's port, else a free one)",
                      .number = NumberRange{0, 65535}},
                     {.name = "--timeout",
                      .value_name = "SECONDS",
                      .description = "how long to wait for the answer (default: 300)",
                      .number = NumberRange{1, 3600}},
                     {.name = "--print-url",
                      .description = "headless, step 1: print the authorize URL, save the "
                                     "pending state, exit"},
                     {.name = "--callback",
                      .value_name = "URL",
                      .description = "headless, step 2: the URL the browser was redirected to"}},
           .details =
               "Interactive: prints the authorize URL and waits for Spotify to redirect the "
               "browser\nto a listener on 127.0.0.1.\n"
               "Headless / scripts: `plm connect --print-url` prints the URL and saves the "
               "pending\nstate; open it anywhere, then pass the URL the browser was redirected "
               "to (even if it\nfailed to load) to `plm connect --callback URL`.\n"
               "The redirect URI (PLM_SPOTIFY_REDIRECT_URI) must be registered in your Spotify "
               "app;\nSpotify refuses `localhost`: use http://127.0.0.1/callback.\n",
           .handler = connect,
           .examples = {
               {"plm connect", "open the printed URL in a browser on this machine, approve"},
               {"plm connect --print-url",
                "headless: print the URL; then plm connect --callback URL"}}}}};
}

}  // namespace plm::app::cli
