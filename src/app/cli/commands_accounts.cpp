// plm accounts: the connected Spotify accounts, their health and when their authorization ends.

#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "web/job_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

/// The expiry column: what is left, and what to do when it is little.
std::string expiry_text(const Json& days_left) {
  if (!days_left.is_number_integer()) return "unknown";
  const auto days = days_left.get<std::int64_t>();
  if (days < 0) return "expired: run plm connect";
  std::string text = "in " + std::to_string(days) + " days";
  if (days <= core::kAuthorizationWarningDays) text += ": run plm connect soon";
  return text;
}

Colour expiry_colour(const Json& days_left) {
  if (!days_left.is_number_integer()) return Colour::None;
  const auto days = days_left.get<std::int64_t>();
  if (days < 0) return Colour::Bad;
  return days <= core::kAuthorizationWarningDays ? Colour::Warning : Colour::None;
}

Colour status_colour(const Json& status) { return status == "active" ? Colour::Good : Colour::Bad; }

std::string synced_text(const Json& time) {
  return time.is_string() ? time.get<std::string>() : "never";
}

constexpr Column kAccountColumns[] = {
    {.header = "ID", .field = "id", .right_aligned = true},
    {.header = "SPOTIFY USER", .field = "spotify_user_id", .shrink = true},
    {.header = "NAME", .field = "display_name", .shrink = true},
    {.header = "STATUS", .field = "status", .colour = status_colour},
    {.header = "PLAYLISTS", .field = "playlist_count", .right_aligned = true},
    {.header = "AUTHORIZATION ENDS",
     .field = "days_until_expiry",
     .colour = expiry_colour,
     .format = expiry_text},
    {.header = "LAST SYNC", .field = "last_synced_at", .format = synced_text},
};

ExitCode list_accounts(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto list = context.services().accounts().accounts_of(user->id);
  if (!list) return context.fail(list.error());
  auto busy = accounts_with_jobs(context.services().jobs(), user->id);
  if (!busy) return context.fail(busy.error());
  Json json = Json::array();
  const auto now = context.services().clock().now();
  for (const auto& account : *list) {
    auto playlists = context.services().playlists().playlists_of(account.id);
    if (!playlists) return context.fail(playlists.error());
    // A store that cannot say whether the last sync failed must not answer "it did not".
    auto failure = web::last_sync_failure_json(context.services().jobs(), account.id);
    if (!failure) return context.fail(failure.error());
    json.push_back(account_shape(account, now, static_cast<std::int64_t>(playlists->size()),
                                 busy->contains(account.id), Json::parse(*failure)));
  }
  return context.output().list(json, kAccountColumns);
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
                                     {"plm accounts --json", "the same as JSON"}},
                        .json_fields = kAccountJsonFields}}};
}

}  // namespace plm::app::cli
