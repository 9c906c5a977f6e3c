// plm playlists / plm playlist show: what the last sync stored; plm playlist history: the versions
// the journal recorded.

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "app/cli/commands.hpp"
#include "app/cli/context.hpp"
#include "app/cli/json_shapes.hpp"
#include "app/cli/output.hpp"
#include "web/journal_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

/// "public" or "private" (collaborative playlists are private on Spotify, shown in their own
/// field).
std::string public_text(const nlohmann::json& value) {
  return value.is_boolean() && value.get<bool>() ? "public" : "private";
}

Colour muted_when_not_owned(const nlohmann::json& owned) {
  return owned.is_boolean() && !owned.get<bool>() ? Colour::Muted : Colour::None;
}

constexpr Column kPlaylistColumns[] = {
    {.header = "ID", .field = "id"},
    {.header = "NAME", .field = "name", .shrink = true},
    {.header = "TRACKS", .field = "track_count", .right_aligned = true},
    {.header = "VISIBILITY", .field = "public", .format = public_text},
    {.header = "OWNED", .field = "owned", .colour = muted_when_not_owned},
    {.header = "OWNER", .field = "owner_id", .shrink = true},
};

ExitCode list_playlists(CommandContext& context) {
  auto user = context.acting_user();
  if (!user) return context.fail(user.error());
  auto account = context.chosen_account(*user);
  if (!account) return context.fail(account.error());
  auto stored = context.services().playlists().playlists_of(account->id);
  if (!stored) return context.fail(stored.error());
  const auto search = context.invocation().value("--search");
  const bool owned = context.invocation().has("--owned");
  Json list = Json::array();
  for (const auto& playlist : *stored) {
    const auto& summary = playlist.summary;
    if (owned && summary.owner_id != account->spotify_user_id) continue;
    if (search && lower(summary.name).find(lower(*search)) == std::string::npos) continue;
    list.push_back(playlist_shape(account->id, account->spotify_user_id, playlist));
  }
  return context.output().list(list, kPlaylistColumns);
}

std::string duration_text(const nlohmann::json& value) {
  if (!value.is_number_integer()) return "";
  const auto seconds = value.get<std::int64_t>() / 1000;
  const auto rest = seconds % 60;
  return std::to_string(seconds / 60) + ":" + (rest < 10 ? "0" : "") + std::to_string(rest);
}

std::string one_based(const nlohmann::json& value) {
  return value.is_number_integer() ? std::to_string(value.get<std::int64_t>() + 1) : "";
}

/// The FLAGS column of a track: what keeps it from playing as usual.
std::string item_flags(const Json& item) {
  std::string flags;
  if (item.value("unavailable", false)) flags = "unavailable";
  if (item.value("is_local", false)) flags += (flags.empty() ? "" : ", ") + std::string("local");
  return flags;
}

Colour flags_colour(const Json& item) {
  return item.value("unavailable", false) ? Colour::Bad : Colour::None;
}

std::string day_of(const Json& time) {
  return time.is_string() ? time.get<std::string>().substr(0, 10) : "";
}

constexpr Column kItemColumns[] = {
    {.header = "#", .field = "position", .right_aligned = true, .format = one_based},
    {.header = "TITLE", .field = "name", .shrink = true},
    {.header = "ARTISTS", .field = "artists", .shrink = true},
    {.header = "ALBUM", .field = "album", .shrink = true},
    {.header = "TIME", .field = "duration_ms", .right_aligned = true, .format = duration_text},
    {.header = "ADDED", .field = "added_at", .format = day_of},
    {.header = "FLAGS", .field = "", .colour = flags_colour, .format = item_flags},
    {.header = "URI", .field = "uri"},
};

constexpr Field kPlaylistFields[] = {
    {.label = "Name", .field = "name"},
    {.label = "ID", .field = "id"},
    {.label = "Description", .field = "description"},
    {.label = "Owner", .field = "owner_id"},
    {.label = "Visibility", .field = "public", .format = public_text},
    {.label = "Collaborative", .field = "collaborative"},
    {.label = "Tracks", .field = "track_count"},
    {.label = "Tags", .field = "tags"},
    {.label = "Synced", .field = "synced_at"},
};

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
  const bool contents_stored = !(*found)->items_snapshot_id.empty();
  std::vector<core::PlaylistItem> items;
  if (contents_stored) {
    auto loaded = playlists.playlist_items(account->id, id);
    if (!loaded) return context.fail(loaded.error());
    items = std::move(*loaded);
  }
  auto& output = context.output();
  if (!contents_stored && !output.json()) {
    output.note(
        "(contents not stored: Spotify lets apps read only playlists you own or "
        "collaborate on)");
  }
  return output.object(
      playlist_with_items_shape(account->id, account->spotify_user_id, **found, items),
      kPlaylistFields, "items", kItemColumns);
}

/// The columns of `plm playlist history` read the PlaylistVersion shape's `cause` and `changes`.
std::string cause_kind(const Json& cause) { return cause.value("kind", ""); }

/// Who made a version: the user's name, or what the journal knows of them.
std::string cause_who(const Json& cause) {
  if (cause.value("username", Json()).is_string()) return cause["username"].get<std::string>();
  if (cause.value("user_id", Json()).is_string()) return "(deleted user)";
  return "-";
}

std::string cause_what(const Json& cause) {
  std::string what = cause.value("action", "");
  const std::string origin = cause.value("origin", "");
  if (!origin.empty()) what = origin + (what.empty() ? "" : ": " + what);
  if (const Json restored = cause.value("restored_version", Json()); restored.is_number()) {
    what += (what.empty() ? "" : ", ") + std::string("version ") + restored.dump();
  }
  const std::string why = cause.value("why", "");
  if (!why.empty()) what += (what.empty() ? "" : " — ") + why;
  return what;
}

std::string change_counts(const Json& changes) {
  const auto count = [&](const char* key) { return changes.value(key, Json(0)).dump(); };
  return "+" + count("added") + " -" + count("removed") + " ~" + count("moved") +
         (changes.value("details_changed", false) ? " details" : "");
}

constexpr Column kVersionColumns[] = {
    {.header = "VERSION", .field = "version", .right_aligned = true},
    {.header = "RECORDED", .field = "recorded_at"},
    {.header = "CAUSE", .field = "cause", .format = cause_kind},
    {.header = "WHO", .field = "cause", .shrink = true, .format = cause_who},
    {.header = "CHANGES", .field = "changes", .format = change_counts},
    {.header = "WHAT", .field = "cause", .shrink = true, .format = cause_what},
};

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
    list.push_back(Json::parse(web::version_json(version, username)));
  }
  auto& output = context.output();
  if (versions.empty() && !output.json()) output.note("(no versions recorded yet)");
  return output.list(list, kVersionColumns);
}

}  // namespace

CommandGroup playlists_commands() {
  return {
      .name = "playlists",
      .summary = "list stored playlists",
      .commands = {
          {.summary = "list the stored playlists (run `plm sync` first)",
           .flags = {kAccountFlag,
                     {.name = "--search",
                      .value_name = "TEXT",
                      .description = "only playlists whose name contains TEXT "
                                     "(any case)"},
                     {.name = "--owned", .description = "only playlists the account owns"}},
           .handler = list_playlists,
           .examples = {{"plm playlists --search focus", "the playlists whose name has 'focus'"},
                        {"plm playlists --owned -a 2 --json",
                         "the playlists account 2 owns, as JSON"}},
           .json_fields = kPlaylistJsonFields}}};
}

CommandGroup playlist_commands() {
  CommandGroup group{
      .name = "playlist",
      .summary = "show, edit, restore, create, copy or unfollow a playlist, or list its history",
      .commands = {
          {.name = "show",
           .summary = "show one stored playlist with its tracks",
           .arguments = {{"ID", "the playlist's Spotify id (see plm playlists)"}},
           .flags = {kAccountFlag},
           .details = "ID is the Spotify playlist id (see plm playlists).\n",
           .handler = show_playlist,
           .examples = {{"plm playlist show 37i9dQZF1DXcBWIGoYBM5M",
                         "a playlist's details and tracks"}},
           .json_fields = playlist_with_items_fields()},
          {.name = "history",
           .summary = "list the recorded versions of a playlist, newest first",
           .arguments = {{"ID", "the playlist's Spotify id (see plm playlists)"}},
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
           .handler = playlist_history,
           .examples = {{"plm playlist history 37i9dQZF1DXcBWIGoYBM5M --cause sync",
                         "the changes made outside plm, found by syncs"}},
           .json_fields = kVersionJsonFields}}};
  for (auto& command : playlist_lifecycle_commands()) group.commands.push_back(std::move(command));
  for (auto& command : playlist_edit_commands()) group.commands.push_back(std::move(command));
  return group;
}

}  // namespace plm::app::cli
