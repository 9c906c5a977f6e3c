#include "app/edit_jobs.hpp"

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>

#include "http/message.hpp"

namespace plm::app {

using core::ErrorCode;
using Json = nlohmann::json;

namespace {

constexpr int kPayloadVersion = 1;

// ---- The payload -----------------------------------------------------------------------------

Json item_ref_json(const core::ItemRef& item) {
  return Json{{"uri", item.uri}, {"position", item.position}};
}

core::ItemRef item_ref_from(const Json& json) {
  return core::ItemRef{json.at("uri").get<std::string>(), json.at("position").get<std::int64_t>()};
}

Json details_json(const core::PlaylistDetailsChange& change) {
  Json json = Json::object();
  if (change.name) json["name"] = *change.name;
  if (change.description) json["description"] = *change.description;
  if (change.is_public) json["public"] = *change.is_public;
  if (change.collaborative) json["collaborative"] = *change.collaborative;
  return json;
}

template <typename T>
std::optional<T> optional_from(const Json& json, const char* key) {
  if (!json.contains(key) || json.at(key).is_null()) return std::nullopt;
  return json.at(key).get<T>();
}

core::PlaylistDetailsChange details_from(const Json& json) {
  return core::PlaylistDetailsChange{
      optional_from<std::string>(json, "name"), optional_from<std::string>(json, "description"),
      optional_from<bool>(json, "public"), optional_from<bool>(json, "collaborative")};
}

Json track_json(const core::TrackInfo& track) {
  return Json{{"uri", track.uri},
              {"name", track.name},
              {"artists", track.artists},
              {"album", track.album},
              {"album_image_url", track.album_image_url},
              {"duration_ms", track.duration_ms},
              {"isrc", track.isrc},
              {"explicit", track.explicit_content},
              {"release_date", track.release_date}};
}

core::TrackInfo track_from(const Json& json) {
  return core::TrackInfo{.uri = json.at("uri").get<std::string>(),
                         .name = json.at("name").get<std::string>(),
                         .artists = json.at("artists").get<std::vector<std::string>>(),
                         .album = json.at("album").get<std::string>(),
                         .album_image_url = json.at("album_image_url").get<std::string>(),
                         .duration_ms = json.at("duration_ms").get<std::int64_t>(),
                         .isrc = json.at("isrc").get<std::string>(),
                         .explicit_content = json.at("explicit").get<bool>(),
                         .release_date = json.at("release_date").get<std::string>()};
}

Json request_json(const core::EditRequest& request) {
  Json items = Json::array();
  for (const auto& item : request.items) items.push_back(item_ref_json(item));
  Json tracks = Json::array();
  for (const auto& track : request.tracks) tracks.push_back(track_json(track));
  Json placement{{"kind", core::to_string(request.placement.kind)}};
  if (request.placement.kind == core::Placement::Kind::Before) {
    placement["before"] = item_ref_json(request.placement.before);
  }
  return Json{{"kind", core::to_string(request.kind)},
              {"uris", request.uris},
              {"items", std::move(items)},
              {"placement", std::move(placement)},
              {"keep", core::to_string(request.keep)},
              {"sort_by", core::to_string(request.sort_by)},
              {"descending", request.descending},
              {"seed", request.shuffle_seed},
              {"details", details_json(request.details)},
              {"cover_jpeg_base64", http::base64_encode(request.cover_jpeg)},
              {"tracks", std::move(tracks)},
              {"allow_replace", request.allow_replace}};
}

/// The enum named by `json[key]`, or InvalidInput naming the key and the text.
template <typename Enum>
core::Result<Enum> enum_from(const Json& json, const char* key,
                             std::optional<Enum> (*parse)(std::string_view)) {
  const auto text = json.at(key).get<std::string>();
  if (auto value = parse(text)) return *value;
  return core::make_error(ErrorCode::InvalidInput,
                          "edit payload: unknown " + std::string(key) + " \"" + text + "\"");
}

core::Result<core::EditRequest> request_from(const Json& json) {
  core::EditRequest request;
  auto kind = enum_from<core::EditRequest::Kind>(json, "kind", core::edit_kind_from_string);
  if (!kind) return kind.error();
  request.kind = *kind;
  request.uris = json.at("uris").get<std::vector<std::string>>();
  for (const auto& item : json.at("items")) request.items.push_back(item_ref_from(item));
  const auto& placement = json.at("placement");
  auto placement_kind =
      enum_from<core::Placement::Kind>(placement, "kind", core::placement_kind_from_string);
  if (!placement_kind) return placement_kind.error();
  request.placement.kind = *placement_kind;
  if (*placement_kind == core::Placement::Kind::Before) {
    request.placement.before = item_ref_from(placement.at("before"));
  }
  auto keep = enum_from<core::DedupeKeep>(json, "keep", core::dedupe_keep_from_string);
  if (!keep) return keep.error();
  request.keep = *keep;
  auto sort_by = enum_from<core::SortKey>(json, "sort_by", core::sort_key_from_string);
  if (!sort_by) return sort_by.error();
  request.sort_by = *sort_by;
  request.descending = json.at("descending").get<bool>();
  request.shuffle_seed = json.at("seed").get<std::uint64_t>();
  request.details = details_from(json.at("details"));
  auto cover = http::base64_decode(json.at("cover_jpeg_base64").get<std::string>());
  if (!cover) return core::make_error(ErrorCode::InvalidInput, "edit payload: bad cover base64");
  request.cover_jpeg = std::move(*cover);
  for (const auto& track : json.at("tracks")) request.tracks.push_back(track_from(track));
  request.allow_replace = json.at("allow_replace").get<bool>();
  return request;
}

Json cause_json(const core::VersionCause& cause) {
  return Json{
      {"kind", core::to_string(cause.kind)},
      {"app_user_id", cause.app_user_id ? Json(*cause.app_user_id) : Json(nullptr)},
      {"origin", cause.origin},
      {"action", cause.action},
      {"why", cause.why},
      {"restored_version", cause.restored_version ? Json(*cause.restored_version) : Json(nullptr)}};
}

core::Result<core::VersionCause> cause_from(const Json& json) {
  core::VersionCause cause;
  auto kind = enum_from<core::VersionCauseKind>(json, "kind", core::version_cause_from_string);
  if (!kind) return kind.error();
  cause.kind = *kind;
  cause.app_user_id = optional_from<std::int64_t>(json, "app_user_id");
  cause.origin = json.at("origin").get<std::string>();
  cause.action = json.at("action").get<std::string>();
  cause.why = json.at("why").get<std::string>();
  cause.restored_version = optional_from<std::int64_t>(json, "restored_version");
  return cause;
}

}  // namespace

std::string encode_edit_payload(const EditJob& edit) {
  return Json{
      {"version", kPayloadVersion},
      {"request", request_json(edit.request)},
      {"planned_snapshot", edit.planned_snapshot},
      {"planned_version", edit.planned_version ? Json(*edit.planned_version) : Json(nullptr)},
      {"cause", cause_json(edit.cause)}}
      .dump();
}

core::Result<EditJob> decode_edit_payload(const std::string& payload) {
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || json.value("version", 0) != kPayloadVersion) {
    return core::make_error(ErrorCode::InvalidInput,
                            "edit payload: not an edit this version of plm wrote");
  }
  try {
    EditJob edit;
    auto request = request_from(json.at("request"));
    if (!request) return request.error();
    edit.request = std::move(*request);
    edit.planned_snapshot = json.at("planned_snapshot").get<std::string>();
    edit.planned_version = optional_from<std::int64_t>(json, "planned_version");
    auto cause = cause_from(json.at("cause"));
    if (!cause) return cause.error();
    edit.cause = std::move(*cause);
    return edit;
  } catch (const Json::exception& error) {
    return core::make_error(ErrorCode::InvalidInput, std::string("edit payload: ") + error.what());
  }
}

core::NewJob edit_playlist_job(std::int64_t owner_user_id, std::int64_t account_id,
                               const std::string& playlist_id, const EditJob& edit) {
  return core::NewJob{
      .kind = core::JobKind::EditPlaylist,
      .owner_user_id = owner_user_id,
      .account_id = account_id,
      .playlist_id = playlist_id,
      .concurrency_key = core::concurrency_key_for_playlist(account_id, playlist_id),
      .payload = encode_edit_payload(edit),
      .unit = core::ProgressUnit::Calls};
}

void wait_or_stop(std::chrono::milliseconds duration, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any stopped;
  std::unique_lock lock(mutex);
  stopped.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace plm::app
