#include "app/cli/context.hpp"

#include <cassert>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/output.hpp"
#include "core/model/spotify_refs.hpp"

namespace plm::app::cli {

ExitCode exit_code_for(const core::Error& error) {
  switch (error.code) {
    case core::ErrorCode::NeedsReauth:
      return ExitCode::NeedsReauth;
    case core::ErrorCode::RateLimited:
    case core::ErrorCode::QuotaExceeded:
      return ExitCode::RetryLater;
    case core::ErrorCode::InvalidInput:
      return ExitCode::Usage;
    default:
      return ExitCode::Failure;
  }
}

bool debug_requested() {
  const char* debug = std::getenv("PLM_DEBUG");
  return debug != nullptr && *debug != '\0' && std::string_view(debug) != "0";
}

std::string describe_error(const core::Error& error) {
  std::string text = error.message;
  if (error.retry_at) text += " (retry after " + core::format_utc(*error.retry_at) + ")";
  if (error.code == core::ErrorCode::NeedsReauth)
    text += "; run `plm connect` again for this account";
  if (!error.detail.empty()) {
    if (debug_requested()) {
      text += "\n  detail: " + error.detail;
    } else if (error.code == core::ErrorCode::Internal) {
      text += "; run again with PLM_DEBUG=1 for details";
    }
  }
  return text;
}

nlohmann::json error_json(const core::Error& error) {
  nlohmann::json body{{"code", core::to_string(error.code)}, {"message", error.message}};
  if (error.retry_at) body["retry_at"] = core::format_utc(*error.retry_at);
  if (!error.detail.empty() && debug_requested()) body["detail"] = error.detail;
  return nlohmann::json{{"error", body}};
}

core::Result<std::string> playlist_id_argument(std::string_view text) {
  if (auto id = core::playlist_id_from(text)) return *id;
  if (core::looks_like_uri_or_link(text)) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "'" + std::string(text) +
                                "' is no playlist: give its id, its spotify:playlist: URI or its "
                                "open.spotify.com/playlist/ link (`plm playlists` lists them)");
  }
  return std::string(text);
}

core::Result<std::string> item_uri_argument(std::string_view text) {
  if (auto uri = core::item_uri_from(text)) return *uri;
  return core::make_error(core::ErrorCode::InvalidInput,
                          "'" + std::string(text) +
                              "' is not a Spotify track or episode URI "
                              "(spotify:track:<22 characters>) or an open.spotify.com track link");
}

core::Error playlist_not_found(const std::string& playlist_id,
                               const core::SpotifyAccount& account) {
  return core::make_error(core::ErrorCode::NotFound,
                          "no stored playlist " + playlist_id + " for account " +
                              account.spotify_user_id +
                              ": `plm playlists` lists them; `plm sync` reads new ones from "
                              "Spotify");
}

const Flag kAccountFlag{.name = "--account",
                        .value_name = "ID",
                        .description =
                            "the connected account (its id or Spotify user id; needed "
                            "when the user has several)",
                        .short_name = 'a'};

CommandContext::CommandContext(const Invocation& invocation, std::ostream& out, std::ostream& err)
    : invocation_(invocation), out_(out), err_(err) {}

CommandContext::~CommandContext() = default;

Output& CommandContext::output() {
  if (!output_) use_terminal(Terminal{});
  return *output_;
}

void CommandContext::use_terminal(const Terminal& terminal) {
  output_ = std::make_unique<Output>(invocation_, terminal, out_, err_);
}

const Config& CommandContext::config() const {
  assert(config_ && "the command must declare Needs::Config or Needs::Services");
  return *config_;
}

Services& CommandContext::services() {
  assert(services_ && "the command must declare Needs::Services");
  return *services_;
}

void CommandContext::set_config(Config config) { config_ = std::move(config); }

void CommandContext::open_services() { services_ = Services::open(config()); }

ExitCode CommandContext::fail(const core::Error& error) {
  err_ << "plm: " << describe_error(error) << "\n";
  if (json()) out_ << error_json(error).dump() << "\n";
  return exit_code_for(error);
}

core::Result<core::AppUser> CommandContext::acting_user() {
  auto& users = services().users();
  const std::string& wanted = config().user;
  if (!wanted.empty()) {
    auto found = users.find_user_by_name(wanted);
    if (!found) return found.error();
    if (!*found) {
      return core::make_error(core::ErrorCode::NotFound, "no plm user named " + wanted + " (from " +
                                                             origin_of(config(), "PLM_USER") +
                                                             "): `plm user list` lists the users");
    }
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

core::Result<core::SpotifyAccount> CommandContext::chosen_account(const core::AppUser& user) {
  const auto wanted = invocation_.value(kAccountFlag.name);
  auto accounts = services().accounts().accounts_of(user.id);
  if (!accounts) return accounts.error();
  if (wanted) {
    for (const auto& account : *accounts) {
      if (std::to_string(account.id) == *wanted || account.spotify_user_id == *wanted)
        return account;
    }
    return core::make_error(core::ErrorCode::NotFound,
                            "no connected account " + *wanted + " for user " + user.username +
                                ": `plm accounts` lists them (id or Spotify user id)");
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

void CommandContext::warn_if_authorization_ends_soon(const core::SpotifyAccount& account) {
  const auto days_left = core::authorization_days_left(account, services().clock().now());
  if (days_left && *days_left <= core::kAuthorizationWarningDays) {
    err_ << "plm: warning: Spotify's authorization of " << account.spotify_user_id << " ends "
         << core::format_utc(*core::authorization_expires_at(account))
         << "; run `plm connect` to renew it\n";
  }
}

}  // namespace plm::app::cli
