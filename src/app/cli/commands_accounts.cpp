// plm accounts: the connected Spotify accounts, their health and when their authorization ends.

#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

/// The expiry column of the table: what is left, and what to do when it is little.
std::string expiry_text(std::optional<std::int64_t> days_left) {
  if (!days_left) return "authorization expiry unknown";
  if (*days_left < 0) return "authorization expired — reconnect with `plm connect`";
  std::string text = "authorization expires in " + std::to_string(*days_left) + " days";
  if (*days_left <= core::kAuthorizationWarningDays) text += " — reconnect soon with `plm connect`";
  return text;
}

Json time_or_null(const std::optional<core::TimePoint>& time) {
  return time ? Json(core::format_utc(*time)) : Json(nullptr);
}

ExitCode list_accounts(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto list = context.services().accounts().accounts_of(user->id);
  if (!list) return context.fail(list.error());
  Json json = Json::array();
  const auto now = context.services().clock().now();
  for (const auto& account : *list) {
    // The same date and day count as the web app's (core::authorization_expires_at).
    const auto days_left = core::authorization_days_left(account, now);
    json.push_back(
        {{"id", account.id},
         {"spotify_user_id", account.spotify_user_id},
         {"display_name", account.display_name},
         {"status", core::to_string(account.status)},
         {"authorized_at", time_or_null(account.tokens.authorized_at)},
         {"authorization_expires_at", time_or_null(core::authorization_expires_at(account))},
         {"days_left", days_left ? Json(*days_left) : Json(nullptr)},
         {"last_synced_at", core::format_utc_or_empty(account.last_synced_at)}});
    if (!context.json()) {
      context.out() << account.id << "\t" << account.spotify_user_id << "\t"
                    << core::to_string(account.status) << "\t" << expiry_text(days_left) << "\t"
                    << (account.last_synced_at
                            ? "synced " + core::format_utc(*account.last_synced_at)
                            : "never synced")
                    << "\n";
    }
  }
  if (context.json()) context.out() << json.dump(2) << "\n";
  return ExitCode::Ok;
}

}  // namespace

CommandGroup accounts_commands() {
  return {.name = "accounts",
          .summary = "list connected Spotify accounts and their health",
          .commands = {{.summary = "list the connected Spotify accounts, their status and when "
                                   "their authorization expires",
                        .details = "Spotify ends an authorization six calendar months after the "
                                   "user's consent; plm warns\nfrom 21 days before and "
                                   "`plm connect` renews it.\n",
                        .handler = list_accounts,
                        .examples = {{"plm accounts", "each account, its status and expiry"},
                                     {"plm accounts --json", "the same as JSON"}}}}};
}

}  // namespace plm::app::cli
