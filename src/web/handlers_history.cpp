// The journal of playlist versions: a playlist's history and one version with its diff.

#include <charconv>
#include <map>

#include "web/handlers.hpp"
#include "web/journal_json.hpp"

namespace plm::web {

namespace {

constexpr std::int64_t kDefaultHistoryPage = 50;
constexpr std::int64_t kMaxHistoryPage = 200;

Json optional_number(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json version_value(const core::RecordedVersion& version,
                   const std::optional<std::string>& username) {
  const core::VersionCause& cause = version.cause;
  return Json{
      {"version", version.sequence},
      {"recorded_at", core::format_utc(version.recorded_at)},
      {"snapshot_id", version.snapshot_id},
      {"item_count", version.item_count},
      {"details",
       {{"name", version.details.name},
        {"description", version.details.description},
        {"public", version.details.is_public},
        {"collaborative", version.details.collaborative}}},
      {"cause",
       {{"kind", std::string(core::to_string(cause.kind))},
        {"user_id", cause.app_user_id ? Json(std::to_string(*cause.app_user_id)) : Json(nullptr)},
        {"username", username ? Json(*username) : Json(nullptr)},
        {"origin", cause.origin},
        {"action", cause.action},
        {"why", cause.why},
        {"job_id", cause.job_id ? Json(std::to_string(*cause.job_id)) : Json(nullptr)},
        {"restored_version", optional_number(cause.restored_version)}}},
      {"changes",
       {{"added", version.changes.added},
        {"removed", version.changes.removed},
        {"moved", version.changes.moved},
        {"details_changed", version.changes.details_changed}}}};
}

Json positioned(const std::vector<core::PositionedItem>& items) {
  Json list = Json::array();
  for (const auto& item : items) list.push_back({{"uri", item.uri}, {"position", item.position}});
  return list;
}

core::Error invalid(const std::string& message) {
  return core::make_error(core::ErrorCode::InvalidInput, message);
}

/// The names of the app users of `versions`' causes, one lookup per user.
class Usernames {
 public:
  explicit Usernames(core::UserStore& users) : users_(users) {}
  core::Result<std::optional<std::string>> of(const core::RecordedVersion& version) {
    if (!version.cause.app_user_id) return std::optional<std::string>();
    const std::int64_t id = *version.cause.app_user_id;
    if (const auto known = names_.find(id); known != names_.end()) return known->second;
    auto user = users_.find_user(id);
    if (!user) return user.error();
    std::optional<std::string> name;
    if (*user) name = (*user)->username;
    names_.emplace(id, name);
    return name;
  }

 private:
  core::UserStore& users_;
  std::map<std::int64_t, std::optional<std::string>> names_;
};

/// NotFound unless the account holds the playlist now or once did (its versions stay after it is
/// gone from Spotify).
core::Status known_playlist(App& app, std::int64_t account_id, const std::string& playlist_id) {
  auto stored = app.deps.playlists.find_playlist(account_id, playlist_id);
  if (!stored) return stored.error();
  if (*stored) return core::ok();
  auto versions = app.deps.journal.list_versions(account_id, playlist_id, {.limit = 1});
  if (!versions) return versions.error();
  if (!versions->empty()) return core::ok();
  return core::make_error(core::ErrorCode::NotFound,
                          "playlist " + playlist_id.substr(0, 64) + " not found");
}

}  // namespace

std::string version_json(const core::RecordedVersion& version,
                         const std::optional<std::string>& username) {
  return dump(version_value(version, username));
}

std::string version_details_json(const core::RecordedVersion& version,
                                 const std::optional<std::string>& username,
                                 std::optional<std::int64_t> against,
                                 const core::VersionDiff& diff) {
  Json items = Json::array();
  for (const auto& item : version.items) {
    items.push_back(
        {{"uri", item.uri},
         {"added_at", item.added_at ? Json(core::format_utc(*item.added_at)) : Json(nullptr)},
         {"added_by", item.added_by}});
  }
  Json moved = Json::array();
  for (const auto& item : diff.moved) {
    moved.push_back({{"uri", item.uri}, {"from", item.from}, {"to", item.to}});
  }
  Json details = Json::array();
  for (const auto& change : diff.details) {
    details.push_back(
        {{"field", change.field}, {"before", change.before}, {"after", change.after}});
  }
  return dump(Json{{"version", version_value(version, username)},
                   {"items", std::move(items)},
                   {"against", optional_number(against)},
                   {"diff",
                    {{"added", positioned(diff.added)},
                     {"removed", positioned(diff.removed)},
                     {"moved", std::move(moved)},
                     {"details", std::move(details)}}}});
}

http::Response get_history(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  const std::string& playlist_id = context.param("playlist_id");
  core::VersionFilter filter;
  std::int64_t page_size = kDefaultHistoryPage;
  const auto& request = context.request;
  if (const auto cause = request.query_param("cause"); cause && !cause->empty()) {
    filter.cause = core::version_cause_from_string(*cause);
    if (!filter.cause) return app.fail(invalid("'cause' must be sync, edit, restore or undo"));
  }
  if (const auto before = request.query_param("before")) {
    filter.before = whole_number(*before);
    if (!filter.before) return app.fail(invalid("'before' must be a version number"));
  }
  if (const auto limit = request.query_param("limit")) {
    const auto number = whole_number(*limit);
    if (!number || *number < 1 || *number > kMaxHistoryPage) {
      return app.fail(
          invalid("'limit' must be a number from 1 to " + std::to_string(kMaxHistoryPage)));
    }
    page_size = *number;
  }
  filter.limit = page_size + 1;  // one more tells whether there is a next page
  if (auto known = known_playlist(app, account->id, playlist_id); !known)
    return app.fail(known.error());
  auto versions = app.deps.journal.list_versions(account->id, playlist_id, filter);
  if (!versions) return app.fail(versions.error());
  Json next_before = nullptr;
  if (static_cast<std::int64_t>(versions->size()) > page_size) {
    versions->resize(static_cast<std::size_t>(page_size));
    next_before = std::to_string(versions->back().sequence);
  }
  Usernames usernames(app.deps.users);
  Json list = Json::array();
  for (const auto& version : *versions) {
    auto username = usernames.of(version);
    if (!username) return app.fail(username.error());
    list.push_back(version_value(version, *username));
  }
  return http::Response::json(200, dump(Json{{"versions", list}, {"next_before", next_before}}));
}

http::Response get_history_version(App& app, Context& context) {
  auto account = app.owned_account(context, context.param("account_id"));
  if (!account) return app.fail(account.error());
  const std::string& playlist_id = context.param("playlist_id");
  const auto sequence = whole_number(context.param("version"));
  const auto not_found = [&] {
    return error_response(404, "not_found",
                          "version " + context.param("version").substr(0, 20) + " of playlist " +
                              playlist_id.substr(0, 64) + " not found");
  };
  if (!sequence || *sequence < 1) return not_found();
  std::optional<std::int64_t> against = *sequence > 1 ? std::optional(*sequence - 1) : std::nullopt;
  if (const auto text = context.request.query_param("against")) {
    against = whole_number(*text);
    if (!against || *against < 1) return app.fail(invalid("'against' must be a version number"));
  }
  auto version = app.deps.journal.find_version(account->id, playlist_id, *sequence);
  if (!version) return app.fail(version.error());
  if (!*version) return not_found();
  core::RecordedVersion base;  // no items, no details: what a first version is compared with
  if (against) {
    auto found = app.deps.journal.find_version(account->id, playlist_id, *against);
    if (!found) return app.fail(found.error());
    if (!*found) {
      return error_response(404, "not_found",
                            "version " + std::to_string(*against) + " of playlist " +
                                playlist_id.substr(0, 64) + " not found");
    }
    base = std::move(**found);
  }
  const core::VersionDiff diff =
      against
          ? core::diff_versions(base.items, base.details, (*version)->items, (*version)->details)
          : core::diff_items({}, (*version)->items);
  Usernames usernames(app.deps.users);
  auto username = usernames.of(**version);
  if (!username) return app.fail(username.error());
  return http::Response::json(200, version_details_json(**version, *username, against, diff));
}

}  // namespace plm::web
