// plm accounts: the connected Spotify accounts, their health and when their authorization ends.

#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

ExitCode list_accounts(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto list = context.services().accounts().accounts_of(user->id);
  if (!list) return context.fail(list.error());
  Json json = Json::array();
  const auto now = context.services().clock().now();
  for (const auto& account : *list) {
    // Refresh tokens die 6 months after consent (spotify-api.md 1.3); 183 days is the longest.
    const auto expires =
        std::chrono::system_clock::time_point(std::chrono::seconds(account.tokens.authorized_at)) +
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
    if (!context.json()) {
      context.out() << account.id << "\t" << account.spotify_user_id << "\t"
                    << core::to_string(account.status) << "\t"
                    << "authorization expires in " << days_left << " days"
                    << (days_left < 21 ? " — reconnect soon with `plm connect`" : "") << "\t"
                    << (account.last_synced_at.empty() ? "never synced"
                                                       : "synced " + account.last_synced_at)
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
                                   "their authorization expires (6 months after consent)",
                        .handler = list_accounts}}};
}

}  // namespace plm::app::cli
