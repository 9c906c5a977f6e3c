#include "app/cli/context.hpp"

#include <cassert>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/output.hpp"

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

std::string describe_error(const core::Error& error) {
  std::string text = error.message;
  if (error.retry_at) text += " (retry after " + core::format_utc(*error.retry_at) + ")";
  if (error.code == core::ErrorCode::NeedsReauth)
    text += "; run `plm connect` again for this account";
  return text;
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
  if (json()) {
    nlohmann::json body{{"code", core::to_string(error.code)}, {"message", error.message}};
    if (error.retry_at) body["retry_at"] = core::format_utc(*error.retry_at);
    out_ << nlohmann::json{{"error", body}}.dump() << "\n";
  }
  return exit_code_for(error);
}

core::Result<core::AppUser> CommandContext::acting_user() {
  auto& users = services().users();
  const std::string& wanted = config().user;
  if (!wanted.empty()) {
    auto found = users.find_user_by_name(wanted);
    if (!found) return found.error();
    if (!*found) return core::make_error(core::ErrorCode::NotFound, "no plm user named " + wanted);
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

void CommandContext::warn_if_authorization_ends_soon(const core::SpotifyAccount& account) {
  const auto days_left = core::authorization_days_left(account, services().clock().now());
  if (days_left && *days_left <= core::kAuthorizationWarningDays) {
    err_ << "plm: warning: Spotify's authorization of " << account.spotify_user_id << " ends "
         << core::format_utc(*core::authorization_expires_at(account))
         << "; run `plm connect` to renew it\n";
  }
}

}  // namespace plm::app::cli
