// plm playlists / plm playlist show: what the last sync stored; plm playlist history: the versions
// the journal recorded.

#include <cctype>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "web/journal_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string visibility(const core::PlaylistSummary& summary, bool short_form) {
  if (summary.collaborative) return short_form ? "collab" : "collaborative";
  return summary.is_public ? "public" : "private";
}

ExitCode list_playlists(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  auto stored = context.services().playlists().playlists_of(account->id);
  if (!stored) return context.fail(stored.error());
  const auto search = context.invocation().value("--search");
  const bool owned = context.invocation().has("--owned");
  auto& out = context.out();
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
    if (!context.json()) {
      out << std::left << std::setw(24) << summary.id << std::setw(6) << std::right
          << summary.item_count << "  " << std::left << std::setw(8)
          << visibility(summary, /*short_form=*/true) << summary.name
          << (summary.owner_id != account->spotify_user_id ? "  (by " + summary.owner_id + ")" : "")
          << "\n";
    }
  }
  if (context.json()) out << json.dump(2) << "\n";
  return ExitCode::Ok;
}

Json items_json(const std::vector<core::PlaylistItem>& items) {
  Json list = Json::array();
  for (const auto& item : items) {
    Json entry{{"uri", item.uri},
               {"added_at", core::format_utc_or_empty(item.added_at)},
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
  return list;
}

void print_items(std::ostream& out, const std::vector<core::PlaylistItem>& items) {
  int position = 0;
  for (const auto& item : items) {
    ++position;
    out << std::setw(5) << position << "  ";
    if (item.unavailable || !item.track) {
      out << "(unavailable)";
    } else {
      std::string artists;
      for (const auto& artist : item.track->artists)
        artists += (artists.empty() ? "" : ", ") + artist;
      const auto seconds = item.track->duration_ms / 1000;
      out << item.track->name << " — " << artists << "  " << seconds / 60 << ":" << std::setw(2)
          << std::setfill('0') << seconds % 60 << std::setfill(' ')
          << (item.is_local ? "  (local file)" : "");
    }
    out << "  " << core::format_utc_or_empty(item.added_at) << "\n";
  }
}

ExitCode show_playlist(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  const auto argument = playlist_id_argument(context.invocation().arguments.front());
  if (!argument) return context.fail(argument.error());
  const std::string& id = *argument;
  auto& playlists = context.services().playlists();
  auto found = playlists.find_playlist(account->id, id);
  if (!found) return context.fail(found.error());
  if (!*found) return context.fail(playlist_not_found(id, *account));
  const auto& summary = (*found)->summary;
  const bool contents_stored = !(*found)->items_snapshot_id.empty();
  std::vector<core::PlaylistItem> items;
  if (contents_stored) {
    auto loaded = playlists.playlist_items(account->id, id);
    if (!loaded) return context.fail(loaded.error());
    items = std::move(*loaded);
  }
  auto& out = context.out();
  if (context.json()) {
    out << Json{{"id", summary.id},
                {"name", summary.name},
                {"description", summary.description},
                {"owner_id", summary.owner_id},
                {"public", summary.is_public},
                {"collaborative", summary.collaborative},
                {"snapshot_id", summary.snapshot_id},
                {"tracks", summary.item_count},
                {"items", items_json(items)}}
               .dump(2)
        << "\n";
    return ExitCode::Ok;
  }
  out << summary.name << "\n";
  if (!summary.description.empty()) out << summary.description << "\n";
  out << summary.item_count << " tracks · by " << summary.owner_id << " · "
      << visibility(summary, /*short_form=*/false) << "\n\n";
  if (!contents_stored) {
    out << "(contents not stored: Spotify lets apps read only playlists you own or collaborate "
           "on)\n";
    return ExitCode::Ok;
  }
  print_items(out, items);
  return ExitCode::Ok;
}

/// Who made a version, for the table: the user's name, or what the journal knows of them.
std::string who(const core::RecordedVersion& version, const std::optional<std::string>& username) {
  if (username) return *username;
  if (version.cause.app_user_id) return "(deleted user)";
  return "-";
}

ExitCode playlist_history(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  const auto argument = playlist_id_argument(context.invocation().arguments.front());
  if (!argument) return context.fail(argument.error());
  const std::string& id = *argument;
  core::VersionFilter filter{.limit = core::kMaxVersionPage};
  if (const auto cause = context.invocation().value("--cause")) {
    filter.cause = core::version_cause_from_string(*cause);
    if (!filter.cause) {
      return context.fail(core::make_error(
          core::ErrorCode::InvalidInput,
          "--cause takes sync, edit, restore or undo, not '" + std::string(*cause) + "'"));
    }
  }
  auto& journal = context.services().journal();
  std::vector<core::RecordedVersion> versions;
  for (;;) {  // every page, newest first
    auto page = journal.list_versions(account->id, id, filter);
    if (!page) return context.fail(page.error());
    versions.insert(versions.end(), page->begin(), page->end());
    if (static_cast<std::int64_t>(page->size()) < filter.limit) break;
    filter.before = page->back().sequence;
  }
  if (versions.empty()) {
    auto found = context.services().playlists().find_playlist(account->id, id);
    if (!found) return context.fail(found.error());
    if (!*found) return context.fail(playlist_not_found(id, *account));
  }
  std::map<std::int64_t, std::optional<std::string>> usernames;
  auto& out = context.out();
  Json list = Json::array();
  for (const auto& version : versions) {
    std::optional<std::string> username;
    if (const auto user_id = version.cause.app_user_id) {
      if (!usernames.contains(*user_id)) {
        auto found = context.services().users().find_user(*user_id);
        if (!found) return context.fail(found.error());
        usernames[*user_id] = *found ? std::optional((*found)->username) : std::nullopt;
      }
      username = usernames[*user_id];
    }
    if (context.json()) {
      list.push_back(Json::parse(web::version_json(version, username)));
      continue;
    }
    const auto& cause = version.cause;
    std::string what = cause.action;
    if (!cause.origin.empty()) what = cause.origin + (what.empty() ? "" : ": " + what);
    if (cause.restored_version) {
      what += (what.empty() ? "" : ", ") + std::string("version ") +
              std::to_string(*cause.restored_version);
    }
    if (!cause.why.empty()) what += (what.empty() ? "" : " — ") + cause.why;
    const auto& changes = version.changes;
    const std::string counts =
        "+" + std::to_string(changes.added) + " -" + std::to_string(changes.removed) + " ~" +
        std::to_string(changes.moved) + (changes.details_changed ? " details" : "");
    out << std::setw(5) << std::right << version.sequence << "  "
        << core::format_utc(version.recorded_at) << "  " << std::left << std::setw(8)
        << core::to_string(cause.kind) << std::setw(14) << who(version, username) << std::setw(20)
        << counts << what << "\n";
  }
  if (context.json()) {
    out << list.dump(2) << "\n";
  } else if (versions.empty()) {
    out << "(no versions recorded yet)\n";
  }
  return ExitCode::Ok;
}

}  // namespace

CommandGroup playlists_commands() {
  return {.name = "playlists",
          .summary = "list stored playlists",
          .commands = {
              {.summary = "list the stored playlists (run `plm sync` first)",
               .flags = {kAccountFlag,
                         {.name = "--search",
                          .value_name = "TEXT",
                          .description = "only playlists whose name contains TEXT "
                                         "(any case)"},
                         {.name = "--owned", .description = "only playlists the account owns"}},
               .handler = list_playlists}}};
}

CommandGroup playlist_commands() {
  CommandGroup group{
      .name = "playlist",
      .summary = "show, edit, restore, create, copy or unfollow a playlist, or list its history",
      .commands = {
          {.name = "show",
           .summary = "show one stored playlist with its tracks",
           .arguments = {"ID"},
           .flags = {kAccountFlag},
           .details = "ID is the Spotify playlist id (see plm playlists).\n",
           .handler = show_playlist},
          {.name = "history",
           .summary = "list the recorded versions of a playlist, newest first",
           .arguments = {"ID"},
           .flags = {kAccountFlag,
                     {.name = "--cause",
                      .value_name = "C",
                      .description = "only versions of cause C: sync, edit, restore "
                                     "or undo"}},
           .details = "One line per version: its number, when it was recorded, its cause "
                      "(sync: changed outside plm, found by a sync), who, and what changed "
                      "against the version before (+added -removed ~moved, details). With "
                      "--json, one object per line in the shape of the web API's "
                      "PlaylistVersion.\n",
           .handler = playlist_history}}};
  for (auto& command : playlist_lifecycle_commands()) group.commands.push_back(std::move(command));
  for (auto& command : playlist_edit_commands()) group.commands.push_back(std::move(command));
  return group;
}

}  // namespace plm::app::cli
