// JSON of the API's schemas (api/openapi.yaml) and request-body validation. The playlist list and
// items are written straight into a string (they are the large, hot bodies); the rest uses
// nlohmann::json.

#include <charconv>
#include <cstdio>

#include "core/batch/batch_plan.hpp"
#include "core/sync/sync_plan.hpp"
#include "web/internal.hpp"
#include "web/job_json.hpp"

namespace plm::web {

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string etag_for(std::string_view body) {
  // FNV-1a over the body: equal bodies give equal tags across invalidations and restarts.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char text[40];
  std::snprintf(text, sizeof text, "\"%016llx-%zx\"", static_cast<unsigned long long>(hash),
                body.size());
  return text;
}

Json user_json(const core::AppUser& user) {
  return Json{{"id", user.id},
              {"username", user.username},
              {"role", core::to_string(user.role)},
              {"created_at", core::format_utc(user.created_at)}};
}

namespace {

Json nullable_time(const std::optional<core::TimePoint>& time) {
  return time ? Json(core::format_utc(*time)) : Json(nullptr);
}

Json nullable_text(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

}  // namespace

Json job_error_value(const core::Error& error, const std::optional<core::TimePoint>& retry_at) {
  return Json{{"code", error_code_for(error.code)},
              {"message", error.code == core::ErrorCode::Internal
                              ? "the job failed; the server log has details"
                              : error.message},
              {"retry_at", nullable_time(error.retry_at ? error.retry_at : retry_at)}};
}

Json job_value(const core::Job& job) {
  // A job queued again after a failure runs at run_at: that is when it retries.
  const bool retry_pending = job.state == core::JobState::Queued && job.error;
  return Json{
      {"id", std::to_string(job.id)},
      {"kind", core::to_string(job.kind)},
      {"state", core::to_string(job.state)},
      {"account_id", job.account_id == 0 ? Json(nullptr) : Json(job.account_id)},
      {"playlist_id", nullable_text(job.playlist_id)},
      {"done", job.progress.done},
      {"total", job.progress.total},
      {"unit", core::to_string(job.progress.unit)},
      {"message", job.progress.message},
      {"attempts", job.attempts},
      {"created_at", core::format_utc(job.created_at)},
      {"run_at", core::format_utc(job.run_at)},
      {"started_at", nullable_time(job.started_at)},
      {"finished_at", nullable_time(job.finished_at)},
      {"error", job.error ? job_error_value(*job.error, retry_pending ? std::optional(job.run_at)
                                                                      : std::nullopt)
                          : Json(nullptr)},
      {"cancel_requested", job.cancel_requested},
      {"api", Json{{"calls", job.api.calls},
                   {"check_reads", job.api.check_reads},
                   {"retries", job.api.retries},
                   {"rate_limited", job.api.rate_limited},
                   {"waited_ms", job.api.waited_ms}}}};
}

Json job_details_value(const core::JobDetails& details) {
  Json items = Json::array();
  for (const auto& item : details.items) {
    items.push_back(
        Json{{"key", item.key},
             {"label", item.label},
             {"outcome", core::to_string(item.outcome)},
             {"error", item.error ? job_error_value(*item.error, std::nullopt) : Json(nullptr)},
             {"detail", item.detail}});
  }
  Json history = Json::array();
  for (const auto& event : details.history) {
    history.push_back(Json{{"at", core::format_utc(event.at)},
                           {"kind", core::to_string(event.kind)},
                           {"message", event.message}});
  }
  return Json{{"job", job_value(details.job)}, {"items", items}, {"history", history}};
}

std::string job_json(const core::Job& job) { return dump(job_value(job)); }

/// Account.last_sync_failure: set while the account's latest ended sync failed or was cancelled,
/// null once a later one succeeded (or before any ended). Read from the job store rather than kept
/// in a table of its own: the newest ended sync_account job of the account says it all (syncs of
/// one account share a concurrency key, so they run one after the other and the newest id is the
/// one that ended last). A sync stopped by a shutdown is Interrupted, not ended: it resumes.
core::Result<std::string> last_sync_failure_json(core::JobQueue& jobs, std::int64_t account_id) {
  core::JobFilter filter;
  filter.account_id = account_id;
  filter.kind = core::JobKind::SyncAccount;
  filter.states = {core::JobState::Succeeded, core::JobState::Failed, core::JobState::Cancelled};
  filter.limit = 1;
  auto latest = jobs.list_jobs(filter);
  if (!latest) return latest.error();
  if (latest->empty() || latest->front().state == core::JobState::Succeeded)
    return std::string("null");
  const core::Job& job = latest->front();
  Json failure{{"job_id", std::to_string(job.id)},
               {"ended_at", nullable_time(job.finished_at ? job.finished_at : job.updated_at)}};
  if (job.error) {
    const Json error = job_error_value(*job.error, std::nullopt);
    failure["message"] = error["message"];
    failure["code"] = error["code"];
  } else {
    failure["message"] = "the sync was cancelled before it finished";
    failure["code"] = "cancelled";
  }
  return dump(failure);
}

std::string job_details_json(const core::JobDetails& details) {
  return dump(job_details_value(details));
}

core::Result<std::vector<core::JobState>> parse_job_states(std::string_view list) {
  std::vector<core::JobState> states;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view name = list.substr(0, comma);
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (name.empty()) continue;
    const auto state = core::job_state_from_string(name);
    if (!state) {
      return core::make_error(core::ErrorCode::InvalidInput,
                              "takes queued, running, succeeded, failed, cancelled or "
                              "interrupted (or several, comma-separated), got '" +
                                  std::string(name.substr(0, 40)) + "'");
    }
    states.push_back(*state);
  }
  return states;
}

namespace {

void append_key(std::string& out, std::string_view key) {
  out.push_back('"');
  out += key;
  out += "\":";
}

void append_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

void append_nullable(std::string& out, const std::string& value) {
  if (value.empty()) {
    out += "null";
  } else {
    append_json_string(out, value);
  }
}

}  // namespace

void append_playlist_json(std::string& out, std::int64_t account_id,
                          const std::string& account_user_id,
                          const core::StoredPlaylist& playlist) {
  const core::PlaylistSummary& summary = playlist.summary;
  out += "{\"account_id\":";
  out += std::to_string(account_id);
  out += ",\"id\":";
  append_json_string(out, summary.id);
  out += ",\"name\":";
  append_json_string(out, summary.name);
  out += ",\"description\":";
  append_json_string(out, summary.description);
  out += ",\"owner_id\":";
  append_json_string(out, summary.owner_id);
  out += ",\"owner_name\":";
  append_json_string(out, summary.owner_name);
  out += ",";
  append_key(out, "owned");
  append_bool(out, summary.owner_id == account_user_id);
  out += ",";
  append_key(out, "public");
  append_bool(out, summary.is_public);
  out += ",";
  append_key(out, "collaborative");
  append_bool(out, summary.collaborative);
  out += ",\"snapshot_id\":";
  append_json_string(out, summary.snapshot_id);
  out += ",\"track_count\":";
  out += std::to_string(summary.item_count);
  out += ",\"stored_track_count\":";
  out += std::to_string(playlist.stored_item_count);
  out += ",";
  append_key(out, "items_readable");
  append_bool(out, core::can_read_items(summary, account_user_id));
  out += ",\"image_url\":";
  append_nullable(out, summary.image_url);
  out += ",\"synced_at\":";
  append_json_string(out, core::format_utc(playlist.synced_at));
  out += ",\"tags\":[";
  for (std::size_t i = 0; i < playlist.tags.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, playlist.tags[i]);
  }
  out += "],\"read_only_reason\":";
  if (const auto why = core::why_not_writable(summary, account_user_id, core::WriteScope::Items)) {
    append_json_string(out, *why);
  } else {
    out += "null";
  }
  out += "}";
}

std::string items_json(const std::vector<core::PlaylistItem>& items,
                       const std::string& snapshot_id) {
  std::string out;
  out.reserve(64 + items.size() * 260);
  out += "{\"items\":[";
  std::int64_t position = 0;
  for (const auto& item : items) {
    if (position) out.push_back(',');
    const core::TrackInfo* track = item.track ? &*item.track : nullptr;
    out += "{\"position\":";
    out += std::to_string(position++);
    out += ",\"uri\":";
    append_json_string(out, item.uri);
    out += ",\"name\":";
    append_json_string(out, track ? track->name : std::string());
    out += ",\"artists\":[";
    if (track) {
      for (std::size_t i = 0; i < track->artists.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, track->artists[i]);
      }
    }
    out += "],\"album\":";
    append_json_string(out, track ? track->album : std::string());
    out += ",\"duration_ms\":";
    out += std::to_string(track ? track->duration_ms : 0);
    out += ",\"added_at\":";
    append_json_string(out, core::format_utc_or_empty(item.added_at));
    out += ",\"added_by\":";
    append_json_string(out, item.added_by);
    out += ",";
    append_key(out, "is_local");
    append_bool(out, item.is_local);
    out += ",";
    append_key(out, "unavailable");
    append_bool(out, item.unavailable);
    out.push_back('}');
  }
  out += "],\"total\":";
  out += std::to_string(items.size());
  out += ",\"snapshot_id\":";
  append_json_string(out, snapshot_id);
  out.push_back('}');
  return out;
}

namespace {

/// Characters (code points) of UTF-8 text that nlohmann has already validated.
std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

}  // namespace

core::Result<std::string> string_field(const Json& body, const std::string& name,
                                       std::size_t min_length, std::size_t max_length) {
  const auto found = body.find(name);
  if (found == body.end() || found->is_null())
    return core::make_error(core::ErrorCode::InvalidInput, "'" + name + "' is required");
  if (!found->is_string())
    return core::make_error(core::ErrorCode::InvalidInput,
                            "'" + name + "' must be a string, got " + found->type_name());
  std::string value = found->get<std::string>();
  const std::size_t length = utf8_length(value);
  if (length < min_length) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            min_length == 1 ? "'" + name + "' must not be empty"
                                            : "'" + name + "' must have at least " +
                                                  std::to_string(min_length) + " characters");
  }
  if (length > max_length) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "'" + name + "' must have at most " + std::to_string(max_length) +
                                " characters, got " + std::to_string(length));
  }
  return value;
}

core::Result<core::Role> role_field(const Json& body, const std::string& name) {
  auto text = string_field(body, name, 1, 16);
  if (!text) return text.error();
  const auto role = core::role_from_string(*text);
  if (!role) {
    return core::make_error(core::ErrorCode::InvalidInput,
                            "'" + name + "' must be admin, editor or viewer, got '" + *text + "'");
  }
  return *role;
}

std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace plm::web
