#include "app/cli.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "app/serve.hpp"
#include "app/services.hpp"
#include "core/sync/sync_service.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "security/password.hpp"
#include "spotify/oauth.hpp"
#include "web/url.hpp"

namespace plm::app {

namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kUsage = R"(usage: plm [global options] <command> [options]

Manage Spotify playlists from the command line. Every command has --help.

Commands:
  connect      connect a Spotify account (OAuth 2.0 with PKCE)
  accounts     list connected Spotify accounts and their health
  sync         read an account's playlists from Spotify (incremental)
  playlists    list stored playlists
  playlist     show one stored playlist with its tracks
  user         manage plm users (add, list)
  serve        run the web application (JSON API, live updates, the single-page app)
  config       print the effective configuration (secrets masked)

Global options:
  --config FILE       read KEY=VALUE settings from FILE (see configs/example.env)
  --data-dir DIR      same as PLM_DATA_DIR
  --database URL      same as PLM_DATABASE_URL (sqlite:PATH or postgresql://...)
  --user NAME         act as this plm user (PLM_USER)
  --json              machine-readable output on stdout
  --help, --version

Exit codes: 0 ok, 1 failure, 2 usage, 3 account needs re-authorization,
            4 Spotify asked to wait (rate limit/quota), 5 partial success.
)";

struct Options {
  std::map<std::string, std::string> overrides;
  bool json = false;
  std::string command;
  std::vector<std::string> arguments;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Takes `--name value` or `--name=value` out of `arguments`; nullopt when absent.
std::optional<std::string> take_value(std::vector<std::string>& arguments,
                                      const std::string& name) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i] == name) {
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value");
      std::string value = arguments[i + 1];
      arguments.erase(arguments.begin() + static_cast<std::ptrdiff_t>(i),
                      arguments.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      return value;
    }
    if (arguments[i].starts_with(name + "=")) {
      std::string value = arguments[i].substr(name.size() + 1);
      arguments.erase(arguments.begin() + static_cast<std::ptrdiff_t>(i));
      return value;
    }
  }
  return std::nullopt;
}

bool take_flag(std::vector<std::string>& arguments, const std::string& name) {
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i] == name) {
      arguments.erase(arguments.begin() + static_cast<std::ptrdiff_t>(i));
      return true;
    }
  }
  return false;
}

int parse_number(const std::string& what, const std::string& text, int min, int max) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < min || value > max) {
    throw UsageError(what + " must be a number from " + std::to_string(min) + " to " +
                     std::to_string(max) + ", got '" + text + "'");
  }
  return value;
}

void expect_no_more(const std::vector<std::string>& arguments) {
  if (!arguments.empty()) throw UsageError("unexpected argument '" + arguments.front() + "'");
}

int exit_code_for(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::NeedsReauth:
      return kExitNeedsReauth;
    case core::ErrorCode::RateLimited:
    case core::ErrorCode::QuotaExceeded:
      return kExitRetryLater;
    case core::ErrorCode::InvalidInput:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

std::string describe_error(const core::Error& error) {
  std::string text = error.message;
  if (error.retry_at) text += " (retry after " + core::format_utc(*error.retry_at) + ")";
  if (error.code == core::ErrorCode::NeedsReauth)
    text += "; run `plm connect` again for this account";
  return text;
}

class Command {
 public:
  Command(Options options, std::ostream& out, std::ostream& err)
      : options_(std::move(options)), out_(out), err_(err) {}

  int run() {
    static const std::set<std::string> kCommands{"config", "user",      "connect", "accounts",
                                                 "sync",   "playlists", "playlist"};
    if (!kCommands.count(options_.command)) {
      throw UsageError("unknown command '" + options_.command + "' (see plm --help)");
    }
    // Help needs no configuration, database or key: it must work when those are broken.
    const auto& arguments = options_.arguments;
    const bool help = std::find(arguments.begin(), arguments.end(), "--help") != arguments.end() ||
                      std::find(arguments.begin(), arguments.end(), "-h") != arguments.end();
    if (help && options_.command == "config") {
      out_ << "usage: plm config\nPrints the effective configuration, secrets masked "
              "(see configs/example.env).\n";
      return kExitOk;
    }
    if (!help) {
      auto config = load_config(options_.overrides);
      if (!config) {
        err_ << "plm: " << config.error().message << "\n";
        return kExitUsage;
      }
      config_ = *config;
      if (options_.command == "config") {
        expect_no_more(options_.arguments);
        out_ << describe(config_);
        return kExitOk;
      }
      services_ = Services::open(config_);
    }
    if (options_.command == "user") return user();
    if (options_.command == "connect") return connect();
    if (options_.command == "accounts") return accounts();
    if (options_.command == "sync") return sync();
    if (options_.command == "playlists") return playlists();
    return playlist();
  }

 private:
  int fail(const core::Error& error) {
    err_ << "plm: " << describe_error(error) << "\n";
    if (options_.json) {
      Json body{{"code", core::to_string(error.code)}, {"message", error.message}};
      if (error.retry_at) body["retry_at"] = core::format_utc(*error.retry_at);
      out_ << Json{{"error", body}}.dump() << "\n";
    }
    return exit_code_for(error);
  }

  bool wants_help() {
    return take_flag(options_.arguments, "--help") || take_flag(options_.arguments, "-h");
  }

  /// The plm user this command acts as: --user/PLM_USER, else the only user or the first admin.
  /// On a fresh install the first command creates an "admin" user (without a password: the web
  /// app asks for one on first visit, or set it with `plm user add`).
  core::Result<core::AppUser> acting_user() {
    auto& users = services_->users();
    if (!config_.user.empty()) {
      auto found = users.find_user_by_name(config_.user);
      if (!found) return found.error();
      if (!*found)
        return core::make_error(core::ErrorCode::NotFound, "no plm user named " + config_.user);
      return **found;
    }
    auto all = users.list_users();
    if (!all) return all.error();
    if (all->empty()) return users.create_user("admin", "", core::Role::Admin);
    for (const auto& user : *all) {
      if (user.role == core::Role::Admin) return user;
    }
    return all->front();
  }

  /// The account named by --account, or the user's only account.
  core::Result<core::SpotifyAccount> chosen_account(const core::AppUser& user) {
    const auto wanted = take_value(options_.arguments, "--account");
    auto accounts = services_->accounts().accounts_of(user.id);
    if (!accounts) return accounts.error();
    if (wanted) {
      for (const auto& account : *accounts) {
        if (std::to_string(account.id) == *wanted || account.spotify_user_id == *wanted)
          return account;
      }
      return core::make_error(core::ErrorCode::NotFound,
                              "no connected account " + *wanted + " for user " + user.username);
    }
    if (accounts->empty()) {
      return core::make_error(core::ErrorCode::NotFound,
                              "no Spotify account connected yet: run `plm connect`");
    }
    if (accounts->size() > 1) {
      std::string names;
      for (const auto& account : *accounts)
        names += " " + std::to_string(account.id) + " (" + account.spotify_user_id + ")";
      return core::make_error(core::ErrorCode::InvalidInput,
                              "several accounts are connected, choose one with --account:" + names);
    }
    return accounts->front();
  }

  // ---- user ------------------------------------------------------------------------------------

  int user() {
    if (options_.arguments.empty() || wants_help()) {
      out_ << "usage: plm user add NAME [--role admin|editor|viewer] [--password-stdin]\n"
              "       plm user list\n"
              "Passwords are read from standard input (one line) and stored as Argon2id hashes.\n";
      return kExitOk;
    }
    const std::string action = options_.arguments.front();
    options_.arguments.erase(options_.arguments.begin());
    auto& users = services_->users();
    if (action == "list") {
      expect_no_more(options_.arguments);
      auto all = users.list_users();
      if (!all) return fail(all.error());
      Json list = Json::array();
      for (const auto& user : *all) {
        list.push_back({{"id", user.id},
                        {"username", user.username},
                        {"role", core::to_string(user.role)},
                        {"has_password", !user.password_hash.empty()}});
        if (!options_.json)
          out_ << user.id << "\t" << user.username << "\t" << core::to_string(user.role) << "\n";
      }
      if (options_.json) out_ << list.dump(2) << "\n";
      return kExitOk;
    }
    if (action == "add") {
      const std::string role_text = take_value(options_.arguments, "--role").value_or("editor");
      const bool from_stdin = take_flag(options_.arguments, "--password-stdin");
      if (options_.arguments.size() != 1) throw UsageError("plm user add needs exactly one NAME");
      const std::string name = options_.arguments.front();
      const auto role = core::role_from_string(role_text);
      if (!role)
        throw UsageError("--role must be admin, editor or viewer, got '" + role_text + "'");
      if (!from_stdin && isatty(STDIN_FILENO))
        err_ << "password for " << name << ": " << std::flush;
      std::string password;
      std::getline(std::cin, password);
      if (password.size() < 8)
        return fail(core::make_error(core::ErrorCode::InvalidInput,
                                     "the password must have at least 8 characters"));
      auto created = users.create_user(name, security::hash_password(password), *role);
      if (!created) return fail(created.error());
      if (options_.json) {
        out_ << Json{{"id", created->id}, {"username", created->username}, {"role", role_text}}
                    .dump()
             << "\n";
      } else {
        out_ << "added " << role_text << " " << name << "\n";
      }
      return kExitOk;
    }
    throw UsageError("unknown user action '" + action + "' (add, list)");
  }

  // ---- connect ---------------------------------------------------------------------------------

  std::string pending_file() const { return config_.data_dir + "/pending-connect.json"; }

  int connect() {
    if (wants_help()) {
      out_
          << "usage: plm connect [--port N] [--timeout SECONDS] [--print-url | --callback URL]\n\n"
             "Connects a Spotify account to the acting plm user.\n"
             "Interactive: prints the authorize URL and waits for Spotify to redirect the browser\n"
             "to a listener on 127.0.0.1 (--port, default: the redirect URI's port or a free "
             "one).\n"
             "Headless / scripts: `plm connect --print-url` prints the URL and saves the pending\n"
             "state; open it anywhere, then pass the URL the browser was redirected to (even if "
             "it\n"
             "failed to load) to `plm connect --callback URL`.\n"
             "The redirect URI (PLM_SPOTIFY_REDIRECT_URI) must be registered in your Spotify app;\n"
             "Spotify refuses `localhost`: use http://127.0.0.1/callback.\n";
      return kExitOk;
    }
    auto user = acting_user();
    if (!user) return fail(user.error());
    auto authorizer = services_->authorizer();
    if (!authorizer) return fail(authorizer.error());
    if (config_.spotify_redirect_uri.find("://localhost") != std::string::npos) {
      err_ << "plm: Spotify refuses redirect URIs on localhost; use http://127.0.0.1/callback "
              "instead\n";
      return kExitUsage;
    }
    const auto port_text = take_value(options_.arguments, "--port");
    const auto timeout_text = take_value(options_.arguments, "--timeout");
    // -1: no --port given (g++ 12 at -O2 warns falsely about an optional<int> here).
    const int port_option = port_text ? parse_number("--port", *port_text, 0, 65535) : -1;
    const int timeout_s = timeout_text ? parse_number("--timeout", *timeout_text, 1, 3600) : 300;
    const bool print_url = take_flag(options_.arguments, "--print-url");
    const auto callback = take_value(options_.arguments, "--callback");
    expect_no_more(options_.arguments);

    if (callback) return finish_connect(**authorizer, *user, *callback);

    // Interactive: listen on the loopback port the redirect URI names (or a free one; a loopback
    // IP registered without a port matches any port at Spotify).
    std::string redirect = config_.spotify_redirect_uri;
    const std::string loopback = "http://127.0.0.1";
    std::uint16_t port = 0;
    std::string path = "/callback";
    // The host, not a prefix of the text: "http://127.0.0.10/" and "http://127.0.0.1.nip.io/"
    // start with "http://127.0.0.1" too.
    const auto parsed = web::parse_url(redirect);
    const bool is_loopback = parsed && parsed->scheme == "http" && parsed->host == "127.0.0.1";
    if (is_loopback) {
      if (!parsed->port.empty()) port = static_cast<std::uint16_t>(parsed->effective_port());
      path = parsed->path;
    }
    if (port_option >= 0) port = static_cast<std::uint16_t>(port_option);

    if (print_url) {
      const auto request = (*authorizer)->start(redirect);
      std::ofstream file(pending_file(), std::ios::trunc);
      ::chmod(pending_file().c_str(), 0600);
      file << Json{{"state", request.state},
                   {"code_verifier", request.code_verifier},
                   {"redirect_uri", redirect}}
                  .dump();
      if (options_.json) {
        out_ << Json{{"authorize_url", request.url}, {"redirect_uri", redirect}}.dump() << "\n";
      } else {
        out_ << request.url << "\n";
      }
      return kExitOk;
    }
    if (!is_loopback) {
      err_ << "plm: interactive connect needs a loopback redirect URI (http://127.0.0.1/...); with "
           << redirect << " use --print-url and --callback\n";
      return kExitUsage;
    }

    std::mutex mutex;
    std::condition_variable arrived;
    std::optional<std::string> query;
    std::string expected_state;  // set before the URL is shown; guarded by `mutex`
    http::Server server(
        [&](const http::Request& request) {
          if (request.path != path) return http::Response::text(404, "not found");
          {
            std::lock_guard lock(mutex);
            // Anything but Spotify's answer to our own request (another tab, a forged link) is
            // turned away and the wait goes on.
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
        http::ServerOptions{.host = "127.0.0.1", .port = port, .threads = 1});
    server.start();
    const std::string actual_redirect = loopback + ":" + std::to_string(server.port()) +
                                        (path.starts_with('/') ? path : "/" + path);
    const auto request = (*authorizer)->start(actual_redirect);
    {
      std::lock_guard lock(mutex);
      expected_state = request.state;
    }
    if (options_.json) {
      out_ << Json{{"authorize_url", request.url}, {"redirect_uri", actual_redirect}}.dump()
           << std::endl;
    } else {
      out_ << "Open this URL in a browser to connect your Spotify account:\n"
           << request.url << std::endl;
    }
    std::unique_lock lock(mutex);
    if (!arrived.wait_for(lock, std::chrono::seconds(timeout_s),
                          [&] { return query.has_value(); })) {
      err_ << "plm: no answer from Spotify within " << timeout_s << " s; run `plm connect` again\n";
      return kExitFailure;
    }
    const std::string received = *query;
    lock.unlock();
    server.stop();
    return complete_connect(**authorizer, *user, received, request.state, request.code_verifier,
                            actual_redirect);
  }

  int finish_connect(spotify::Authorizer& authorizer, const core::AppUser& user,
                     const std::string& callback) {
    std::ifstream file(pending_file());
    if (!file) {
      err_ << "plm: no pending connection: run `plm connect --print-url` first\n";
      return kExitUsage;
    }
    Json pending;
    try {
      pending = Json::parse(file);
    } catch (const Json::exception&) {
      err_ << "plm: " << pending_file() << " is damaged: run `plm connect --print-url` again\n";
      return kExitFailure;
    }
    const auto question = callback.find('?');
    const std::string query =
        question == std::string::npos ? callback : callback.substr(question + 1);
    const int code =
        complete_connect(authorizer, user, query, pending.value("state", ""),
                         pending.value("code_verifier", ""), pending.value("redirect_uri", ""));
    if (code == kExitOk) fs::remove(pending_file());
    return code;
  }

  int complete_connect(spotify::Authorizer& authorizer, const core::AppUser& user,
                       const std::string& query, const std::string& state,
                       const std::string& verifier, const std::string& redirect_uri) {
    auto code = spotify::code_from_callback(query, state);
    if (!code) return fail(code.error());
    auto tokens = authorizer.exchange_code(*code, redirect_uri, verifier);
    if (!tokens) return fail(tokens.error());
    core::SpotifyAccount account;
    account.app_user_id = user.id;
    account.client_id = config_.spotify_client_id;
    account.tokens = *tokens;
    auto client = services_->spotify_for(account);
    auto profile = client->current_user();
    if (!profile) return fail(profile.error());
    account.spotify_user_id = profile->id;
    account.display_name = profile->display_name;
    auto id = services_->accounts().upsert_account(account);
    if (!id) return fail(id.error());
    if (options_.json) {
      out_ << Json{{"account_id", *id},
                   {"spotify_user_id", profile->id},
                   {"display_name", profile->display_name}}
                  .dump()
           << "\n";
    } else {
      out_ << "connected Spotify account " << profile->id << " (" << profile->display_name
           << ") as account " << *id << " of " << user.username << "\n";
    }
    return kExitOk;
  }

  // ---- accounts --------------------------------------------------------------------------------

  /// Refresh tokens die 6 months after consent (spotify-api.md 1.3); 183 days is the longest.
  std::chrono::system_clock::time_point authorization_ends(
      const core::SpotifyAccount& account) const {
    return std::chrono::system_clock::time_point(
               std::chrono::seconds(account.tokens.authorized_at)) +
           std::chrono::hours(24 * 183);
  }

  void warn_if_authorization_ends_soon(const core::SpotifyAccount& account) {
    const auto left = authorization_ends(account) - services_->clock().now();
    if (left < std::chrono::hours(24 * 21)) {
      err_ << "plm: warning: Spotify's authorization of " << account.spotify_user_id << " ends "
           << core::format_utc(authorization_ends(account)) << "; run `plm connect` to renew it\n";
    }
  }

  int accounts() {
    if (wants_help()) {
      out_ << "usage: plm accounts [--json]\nLists connected Spotify accounts, their status and "
              "when "
              "their authorization expires (6 months after consent).\n";
      return kExitOk;
    }
    expect_no_more(options_.arguments);
    auto user = acting_user();
    if (!user) return fail(user.error());
    auto list = services_->accounts().accounts_of(user->id);
    if (!list) return fail(list.error());
    Json json = Json::array();
    const auto now = services_->clock().now();
    for (const auto& account : *list) {
      // Refresh tokens die 6 months after consent (spotify-api.md 1.3); 183 days is the longest.
      const auto expires = std::chrono::system_clock::time_point(
                               std::chrono::seconds(account.tokens.authorized_at)) +
                           std::chrono::hours(24 * 183);
      const auto days_left =
          std::chrono::duration_cast<std::chrono::hours>(expires - now).count() / 24;
      json.push_back({{"id", account.id},
                      {"spotify_user_id", account.spotify_user_id},
                      {"display_name", account.display_name},
                      {"status", core::to_string(account.status)},
                      {"authorization_expires_at", core::format_utc(expires)},
                      {"days_left", days_left},
                      {"last_synced_at", account.last_synced_at}});
      if (!options_.json) {
        out_ << account.id << "\t" << account.spotify_user_id << "\t"
             << core::to_string(account.status) << "\t"
             << "authorization expires in " << days_left << " days"
             << (days_left < 21 ? " — reconnect soon with `plm connect`" : "") << "\t"
             << (account.last_synced_at.empty() ? "never synced"
                                                : "synced " + account.last_synced_at)
             << "\n";
      }
    }
    if (options_.json) out_ << json.dump(2) << "\n";
    return kExitOk;
  }

  // ---- sync ------------------------------------------------------------------------------------

  int sync() {
    if (wants_help()) {
      out_ << "usage: plm sync [--account ID] [--quiet] [--json]\n\n"
              "Reads the account's playlists from Spotify: one call per 50 playlists, then only "
              "the\n"
              "playlists whose snapshot changed (one call per 50 tracks). Shows progress on a "
              "terminal.\n";
      return kExitOk;
    }
    const bool quiet = take_flag(options_.arguments, "--quiet");
    auto user = acting_user();
    if (!user) return fail(user.error());
    auto account = chosen_account(*user);
    if (!account) return fail(account.error());
    expect_no_more(options_.arguments);
    if (account->status == core::AccountStatus::NeedsReauth) {
      return fail(core::make_error(
          core::ErrorCode::NeedsReauth,
          "Spotify account " + account->spotify_user_id + " needs re-authorization"));
    }
    warn_if_authorization_ends_soon(*account);
    auto spotify = services_->spotify_for(*account);
    core::SyncService service(*spotify, services_->playlists(), services_->clock());
    const bool show_progress = !quiet && isatty(STDERR_FILENO);
    auto result = service.sync_account(*account, [&](const core::SyncProgress& progress) {
      if (!show_progress) return;
      const auto total = std::max<std::int64_t>(progress.playlists_total, 1);
      const int width = 30;
      const int filled = static_cast<int>(width * progress.playlists_done / total);
      err_ << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
           << std::string(static_cast<std::size_t>(width - filled), '.') << "] "
           << progress.playlists_done << "/" << progress.playlists_total << " playlists · "
           << progress.counters.calls << " calls";
      if (progress.counters.rate_limited + progress.counters.paced_waits > 0) {
        err_ << " · waited " << progress.counters.waited_ms / 1000 << " s";
      }
      err_ << "   " << std::flush;
      if (progress.phase == core::SyncProgress::Phase::Done) err_ << "\n";
    });
    if (!result) return fail(result.error());
    const auto& report = *result;
    if (options_.json) {
      Json failures = Json::array();
      for (const auto& failure : report.failures) {
        failures.push_back({{"playlist_id", failure.playlist_id},
                            {"name", failure.playlist_name},
                            {"error", core::to_string(failure.error.code)},
                            {"message", failure.error.message}});
      }
      Json json{{"playlists", report.playlists_total},
                {"read", report.read},
                {"unchanged", report.unchanged},
                {"unreadable", report.unreadable},
                {"removed", report.removed},
                {"planned_calls", report.planned_calls},
                {"calls", report.counters.calls},
                {"retries", report.counters.retries},
                {"rate_limited", report.counters.rate_limited},
                {"waited_ms", report.counters.waited_ms},
                {"failures", failures}};
      if (report.stopped_by) {
        json["stopped_by"] = {{"error", core::to_string(report.stopped_by->code)},
                              {"message", describe_error(*report.stopped_by)}};
      }
      out_ << json.dump(2) << "\n";
    } else {
      out_ << "synced " << report.playlists_total << " playlists: " << report.read << " read, "
           << report.unchanged << " unchanged, " << report.unreadable
           << " followed (contents not readable), " << report.removed << " removed; "
           << report.counters.calls << " Spotify calls";
      if (report.counters.waited_ms > 0)
        out_ << ", waited " << report.counters.waited_ms / 1000.0 << " s";
      out_ << "\n";
      for (const auto& failure : report.failures) {
        err_ << "plm: could not read \"" << failure.playlist_name << "\" (" << failure.playlist_id
             << "): " << describe_error(failure.error) << "\n";
      }
    }
    if (report.stopped_by) {
      err_ << "plm: sync stopped early: " << describe_error(*report.stopped_by) << "\n";
      return exit_code_for(*report.stopped_by);
    }
    return report.failures.empty() ? kExitOk : kExitPartial;
  }

  // ---- playlists -------------------------------------------------------------------------------

  int playlists() {
    if (wants_help()) {
      out_ << "usage: plm playlists [--account ID] [--search TEXT] [--owned] [--json]\n"
              "Lists the stored playlists (run `plm sync` first).\n";
      return kExitOk;
    }
    const auto search = take_value(options_.arguments, "--search");
    const bool owned = take_flag(options_.arguments, "--owned");
    auto user = acting_user();
    if (!user) return fail(user.error());
    auto account = chosen_account(*user);
    if (!account) return fail(account.error());
    expect_no_more(options_.arguments);
    auto stored = services_->playlists().playlists_of(account->id);
    if (!stored) return fail(stored.error());
    auto lower = [](std::string text) {
      for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return text;
    };
    Json json = Json::array();
    for (const auto& playlist : *stored) {
      const auto& summary = playlist.summary;
      if (owned && summary.owner_id != account->spotify_user_id) continue;
      if (search && lower(summary.name).find(lower(*search)) == std::string::npos) continue;
      json.push_back({{"id", summary.id},
                      {"name", summary.name},
                      {"owner_id", summary.owner_id},
                      {"tracks", summary.item_count},
                      {"public", summary.is_public},
                      {"collaborative", summary.collaborative},
                      {"snapshot_id", summary.snapshot_id},
                      {"contents_stored", !playlist.items_snapshot_id.empty()}});
      if (!options_.json) {
        std::string flags = summary.collaborative ? "collab"
                            : summary.is_public   ? "public"
                                                  : "private";
        out_ << std::left << std::setw(24) << summary.id << std::setw(6) << std::right
             << summary.item_count << "  " << std::left << std::setw(8) << flags << summary.name
             << (summary.owner_id != account->spotify_user_id ? "  (by " + summary.owner_id + ")"
                                                              : "")
             << "\n";
      }
    }
    if (options_.json) out_ << json.dump(2) << "\n";
    return kExitOk;
  }

  int playlist() {
    if (wants_help() || options_.arguments.empty()) {
      out_ << "usage: plm playlist show ID [--account ID] [--json]\n";
      return kExitOk;
    }
    const std::string action = options_.arguments.front();
    options_.arguments.erase(options_.arguments.begin());
    if (action != "show") throw UsageError("unknown playlist action '" + action + "' (show)");
    auto user = acting_user();
    if (!user) return fail(user.error());
    auto account = chosen_account(*user);
    if (!account) return fail(account.error());
    if (options_.arguments.size() != 1) throw UsageError("plm playlist show needs one playlist ID");
    const std::string id = options_.arguments.front();
    auto found = services_->playlists().find_playlist(account->id, id);
    if (!found) return fail(found.error());
    if (!*found)
      return fail(core::make_error(core::ErrorCode::NotFound,
                                   "no stored playlist " + id + " (run `plm sync`?)"));
    const auto& summary = (*found)->summary;
    std::vector<core::PlaylistItem> items;
    if (!(*found)->items_snapshot_id.empty()) {
      auto loaded = services_->playlists().playlist_items(account->id, id);
      if (!loaded) return fail(loaded.error());
      items = std::move(*loaded);
    }
    if (options_.json) {
      Json list = Json::array();
      for (const auto& item : items) {
        Json entry{{"uri", item.uri},
                   {"added_at", item.added_at},
                   {"added_by", item.added_by},
                   {"is_local", item.is_local},
                   {"unavailable", item.unavailable}};
        if (item.track) {
          entry["name"] = item.track->name;
          entry["artists"] = item.track->artists;
          entry["album"] = item.track->album;
          entry["duration_ms"] = item.track->duration_ms;
        }
        list.push_back(entry);
      }
      out_ << Json{{"id", summary.id},
                   {"name", summary.name},
                   {"description", summary.description},
                   {"owner_id", summary.owner_id},
                   {"public", summary.is_public},
                   {"collaborative", summary.collaborative},
                   {"snapshot_id", summary.snapshot_id},
                   {"tracks", summary.item_count},
                   {"items", list}}
                  .dump(2)
           << "\n";
      return kExitOk;
    }
    out_ << summary.name << "\n";
    if (!summary.description.empty()) out_ << summary.description << "\n";
    out_ << summary.item_count << " tracks · by " << summary.owner_id << " · "
         << (summary.collaborative ? "collaborative"
             : summary.is_public   ? "public"
                                   : "private")
         << "\n\n";
    if ((*found)->items_snapshot_id.empty()) {
      out_ << "(contents not stored: Spotify lets apps read only playlists you own or collaborate "
              "on)\n";
      return kExitOk;
    }
    int position = 0;
    for (const auto& item : items) {
      ++position;
      out_ << std::setw(5) << position << "  ";
      if (item.unavailable || !item.track) {
        out_ << "(unavailable)";
      } else {
        std::string artists;
        for (const auto& artist : item.track->artists)
          artists += (artists.empty() ? "" : ", ") + artist;
        const auto seconds = item.track->duration_ms / 1000;
        out_ << item.track->name << " — " << artists << "  " << seconds / 60 << ":" << std::setw(2)
             << std::setfill('0') << seconds % 60 << std::setfill(' ')
             << (item.is_local ? "  (local file)" : "");
      }
      out_ << "  " << item.added_at << "\n";
    }
    return kExitOk;
  }

  Options options_;
  std::ostream& out_;
  std::ostream& err_;
  Config config_;
  std::unique_ptr<Services> services_;
};

}  // namespace

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Options options;
  std::vector<std::string> arguments(argv + 1, argv + argc);
  try {
    // Global options come before the command.
    std::size_t i = 0;
    for (; i < arguments.size() && arguments[i].starts_with("-"); ++i) {
      const std::string& flag = arguments[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= arguments.size()) throw UsageError(flag + " needs a value");
        return arguments[++i];
      };
      if (flag == "--help" || flag == "-h") {
        out << kUsage;
        return kExitOk;
      }
      if (flag == "--version") {
        out << "plm 0.1.0\n";
        return kExitOk;
      }
      if (flag == "--json") {
        options.json = true;
      } else if (flag == "--config") {
        options.overrides["PLM_CONFIG"] = value();
      } else if (flag == "--data-dir") {
        options.overrides["PLM_DATA_DIR"] = value();
      } else if (flag == "--database") {
        options.overrides["PLM_DATABASE_URL"] = value();
      } else if (flag == "--user") {
        options.overrides["PLM_USER"] = value();
      } else {
        throw UsageError("unknown option '" + flag + "'");
      }
    }
    if (i >= arguments.size()) {
      err << kUsage;
      return kExitUsage;
    }
    options.command = arguments[i];
    options.arguments.assign(arguments.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                             arguments.end());
    if (options.command == "serve")
      return run_serve(std::move(options.overrides), std::move(options.arguments), out, err);
    if (take_flag(options.arguments, "--json")) options.json = true;
    return Command(std::move(options), out, err).run();
  } catch (const UsageError& problem) {
    err << "plm: " << problem.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& problem) {
    // The CLI's edge: an unexpected failure (database unreachable, disk full) gets one line.
    err << "plm: " << problem.what() << "\n";
    return kExitFailure;
  }
}

}  // namespace plm::app
