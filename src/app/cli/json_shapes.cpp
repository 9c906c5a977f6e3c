#include "app/cli/json_shapes.hpp"

#include "core/batch/batch_plan.hpp"
#include "core/sync/sync_plan.hpp"
#include "web/job_json.hpp"

namespace plm::app::cli {

namespace {

using Json = nlohmann::json;

Json time_or_null(const std::optional<core::TimePoint>& time) {
  return time ? Json(core::format_utc(*time)) : Json(nullptr);
}

}  // namespace

std::vector<std::string_view> playlist_with_items_fields() {
  auto fields = kPlaylistJsonFields;
  fields.push_back("items");
  return fields;
}

Json user_shape(const core::AppUser& user) {
  return Json{{"id", user.id},
              {"username", user.username},
              {"role", core::to_string(user.role)},
              {"created_at", core::format_utc(user.created_at)},
              {"has_password", !user.password_hash.empty()}};
}

Json account_shape(const core::SpotifyAccount& account, core::TimePoint now,
                   std::int64_t playlist_count, bool syncing, Json last_sync_failure) {
  // The same date and day count as the web app's (core::authorization_expires_at).
  const auto expires = core::authorization_expires_at(account);
  const auto days_left = core::authorization_days_left(account, now);
  const bool warning = account.status == core::AccountStatus::NeedsReauth ||
                       (days_left && *days_left <= core::kAuthorizationWarningDays);
  return Json{{"id", account.id},
              {"spotify_user_id", account.spotify_user_id},
              {"display_name", account.display_name},
              {"status", core::to_string(account.status)},
              {"authorized_at", expires ? time_or_null(account.tokens.authorized_at) : Json()},
              {"authorization_expires_at", time_or_null(expires)},
              {"days_until_expiry", days_left ? Json(*days_left) : Json()},
              {"expiry_warning", warning},
              {"last_synced_at", time_or_null(account.last_synced_at)},
              {"playlist_count", playlist_count},
              {"syncing", syncing},
              {"last_sync_failure", std::move(last_sync_failure)}};
}

core::Result<std::set<std::int64_t>> accounts_with_jobs(core::JobQueue& jobs,
                                                        std::int64_t user_id) {
  core::JobFilter filter;
  filter.owner_user_id = user_id;
  filter.states = {core::JobState::Queued, core::JobState::Running, core::JobState::Interrupted};
  filter.limit = 1000;
  auto active = jobs.list_jobs(filter);
  if (!active) return active.error();
  std::set<std::int64_t> busy;
  for (const auto& job : *active) busy.insert(job.account_id);
  return busy;
}

Json playlist_shape(std::int64_t account_id, const std::string& account_user_id,
                    const core::StoredPlaylist& playlist) {
  const core::PlaylistSummary& summary = playlist.summary;
  const auto read_only = core::why_not_writable(summary, account_user_id, core::WriteScope::Items);
  return Json{{"account_id", account_id},
              {"id", summary.id},
              {"name", summary.name},
              {"description", summary.description},
              {"owner_id", summary.owner_id},
              {"owner_name", summary.owner_name},
              {"owned", summary.owner_id == account_user_id},
              {"public", summary.is_public},
              {"collaborative", summary.collaborative},
              {"snapshot_id", summary.snapshot_id},
              {"track_count", summary.item_count},
              {"stored_track_count", playlist.stored_item_count},
              {"items_readable", core::can_read_items(summary, account_user_id)},
              {"image_url", summary.image_url.empty() ? Json() : Json(summary.image_url)},
              {"synced_at", core::format_utc(playlist.synced_at)},
              {"tags", playlist.tags},
              {"read_only_reason", read_only ? Json(*read_only) : Json()}};
}

Json playlist_item_shape(const core::PlaylistItem& item, std::int64_t position) {
  const core::TrackInfo* track = item.track ? &*item.track : nullptr;
  return Json{{"position", position},
              {"uri", item.uri},
              {"name", track ? track->name : ""},
              {"artists", track ? track->artists : std::vector<std::string>{}},
              {"album", track ? track->album : ""},
              {"duration_ms", track ? track->duration_ms : 0},
              {"added_at", core::format_utc_or_empty(item.added_at)},
              {"added_by", item.added_by},
              {"is_local", item.is_local},
              {"unavailable", item.unavailable}};
}

Json playlist_with_items_shape(std::int64_t account_id, const std::string& account_user_id,
                               const core::StoredPlaylist& playlist,
                               const std::vector<core::PlaylistItem>& items) {
  Json shape = playlist_shape(account_id, account_user_id, playlist);
  Json list = Json::array();
  std::int64_t position = 0;
  for (const auto& item : items) list.push_back(playlist_item_shape(item, position++));
  shape["items"] = std::move(list);
  return shape;
}

Json job_shape(const core::Job& job) { return Json::parse(web::job_json(job)); }

Json job_details_shape(const core::JobDetails& details) {
  return Json::parse(web::job_details_json(details));
}

}  // namespace plm::app::cli
