#include "app/edit_jobs.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "app/edit_run.hpp"
#include "app/job_account.hpp"
#include "core/edit/edit_plan.hpp"
#include "core/write/playlist_edits.hpp"
#include "core/write/write_sequence.hpp"
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

// ---- The checkpoint --------------------------------------------------------------------------

constexpr int kCheckpointVersion = 1;
/// Snapshots the checkpoint keeps (the last ones the job made): a read showing one of them lags.
constexpr std::size_t kKeptSnapshots = 16;

/// Where an edit job is: the journal versions its desired list and plan are recomputed from
/// (deterministically), the steps of that plan applied and the snapshots they made.
struct EditCheckpoint {
  std::int64_t planned_sequence = 0;  ///< the list the request was made against
  std::int64_t base_sequence = 0;     ///< the list the plan starts from (planned, or re-read)
  int replans = 0;
  bool items_written = false;  ///< an item write of this job was applied (on any base)
  std::size_t step = 0;        ///< steps of the plan applied
  /// Oldest first; the last is the playlist's snapshot now ("" when a detail or cover change
  /// left it unknown).
  std::vector<std::string> snapshots;
};

std::string encode_checkpoint(const EditCheckpoint& checkpoint) {
  return Json{{"version", kCheckpointVersion},
              {"planned_sequence", checkpoint.planned_sequence},
              {"base_sequence", checkpoint.base_sequence},
              {"replans", checkpoint.replans},
              {"items_written", checkpoint.items_written},
              {"step", checkpoint.step},
              {"snapshots", checkpoint.snapshots}}
      .dump();
}

std::optional<EditCheckpoint> decode_checkpoint(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  try {
    if (!json.is_object() || json.value("version", 0) != kCheckpointVersion) return std::nullopt;
    EditCheckpoint checkpoint;
    checkpoint.planned_sequence = json.at("planned_sequence").get<std::int64_t>();
    checkpoint.base_sequence = json.at("base_sequence").get<std::int64_t>();
    checkpoint.replans = json.at("replans").get<int>();
    checkpoint.items_written = json.at("items_written").get<bool>();
    checkpoint.step = json.at("step").get<std::size_t>();
    checkpoint.snapshots = json.at("snapshots").get<std::vector<std::string>>();
    if (checkpoint.snapshots.empty()) return std::nullopt;
    return checkpoint;
  } catch (const Json::exception&) {
    return std::nullopt;  // not one this version wrote: start over (the first read confirms)
  }
}

// ---- Plans -----------------------------------------------------------------------------------

bool is_item_write(core::WriteStep::Kind kind) {
  return kind != core::WriteStep::Kind::ChangeDetails && kind != core::WriteStep::Kind::UploadCover;
}

/// The plan's steps cut into single write requests (adds and removals of at most 100, a replace
/// as a PUT of 100 and appends), so that the checkpoint after each names a state Spotify was in.
std::vector<core::WriteStep> one_request_each(const std::vector<core::WriteStep>& steps) {
  using Kind = core::WriteStep::Kind;
  constexpr std::size_t kChunk = core::SpotifyApi::kMaxItemsPerWrite;
  std::vector<core::WriteStep> result;
  for (const auto& step : steps) {
    if ((step.kind != Kind::Add && step.kind != Kind::Remove && step.kind != Kind::Replace) ||
        step.uris.size() <= kChunk) {
      result.push_back(step);
      continue;
    }
    for (std::size_t from = 0; from < step.uris.size(); from += kChunk) {
      std::vector<std::string> chunk(step.uris.begin() + static_cast<std::ptrdiff_t>(from),
                                     step.uris.begin() + static_cast<std::ptrdiff_t>(std::min(
                                                             from + kChunk, step.uris.size())));
      if (step.kind == Kind::Remove) {
        result.push_back(core::WriteStep::remove(std::move(chunk)));
      } else if (step.kind == Kind::Replace && from == 0) {
        result.push_back(core::WriteStep::replace(std::move(chunk)));
      } else if (step.kind == Kind::Replace || !step.position) {
        result.push_back(core::WriteStep::add(std::move(chunk)));
      } else {
        result.push_back(core::WriteStep::add(std::move(chunk),
                                              *step.position + static_cast<std::int64_t>(from)));
      }
    }
  }
  return result;
}

struct Plan {
  core::EditPlan edit;
  std::vector<core::WriteStep> steps;  ///< one write request each, details and cover last
};

core::Result<Plan> plan_for(const core::EditRequest& request, const std::vector<std::string>& base,
                            const std::vector<std::string>& desired) {
  auto plan = core::plan_edit(base, desired, core::EditOptions{request.allow_replace});
  if (!plan) return plan.error();
  Plan result{*plan, one_request_each(plan->steps)};
  if (!request.details.empty()) {
    result.steps.push_back(core::WriteStep::change_details(request.details));
  }
  if (request.kind == core::EditRequest::Kind::Cover) {
    result.steps.push_back(core::WriteStep::upload_cover(request.cover_jpeg));
  }
  return result;
}

std::vector<core::WriteStep> prefix(const std::vector<core::WriteStep>& steps, std::size_t count) {
  return {steps.begin(),
          steps.begin() + static_cast<std::ptrdiff_t>(std::min(count, steps.size()))};
}

core::ApiCounters counters_since(const core::ApiCounters& now, const core::ApiCounters& start) {
  return core::ApiCounters{now.calls - start.calls,
                           now.retries - start.retries,
                           now.rate_limited - start.rate_limited,
                           now.paced_waits - start.paced_waits,
                           now.waited_ms - start.waited_ms,
                           now.check_reads - start.check_reads};
}

std::string in_quotes(const std::string& name) { return "\u201c" + name + "\u201d"; }

/// "2 moved, 1 added" (what changed); "no change" when nothing did.
std::string change_words(const core::ChangeCounts& counts) {
  std::vector<std::string> parts;
  if (counts.moved > 0) parts.push_back(std::to_string(counts.moved) + " moved");
  if (counts.added > 0) parts.push_back(std::to_string(counts.added) + " added");
  if (counts.removed > 0) parts.push_back(std::to_string(counts.removed) + " removed");
  if (counts.details_changed) parts.push_back("details changed");
  if (parts.empty()) return "no change";
  std::string text = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) text += ", " + parts[i];
  return text;
}

core::PlaylistSummary with_details(core::PlaylistSummary summary,
                                   const core::PlaylistDetailsChange& change) {
  if (change.name) summary.name = *change.name;
  if (change.description) summary.description = *change.description;
  if (change.is_public) summary.is_public = *change.is_public;
  if (change.collaborative) summary.collaborative = *change.collaborative;
  return summary;
}

// ---- The run ---------------------------------------------------------------------------------

/// A playlist as read in full from Spotify.
struct ReadPlaylist {
  core::PlaylistSummary summary;
  std::vector<core::PlaylistItem> items;
};

/// One run of an edit_playlist job (one attempt).
class EditRun {
 public:
  EditRun(const EditJobDeps& deps, JobContext& context, core::SpotifyAccount account,
          core::SpotifyApi& spotify, EditJob edit)
      : deps_(deps),
        context_(context),
        job_(context.job()),
        account_(std::move(account)),
        spotify_(spotify),
        edit_(std::move(edit)),
        earlier_calls_(context.job().api.calls),
        start_counters_(spotify.counters()) {}

  JobResult run() {
    if (auto checked = core::check_edit_request(edit_.request); !checked) {
      return fail(checked.error());
    }
    if (auto loaded = load_stored(); !loaded) return fail(loaded.error());
    if (auto resumed = decode_checkpoint(job_.checkpoint)) {
      checkpoint_ = std::move(*resumed);
    } else {
      auto planned = planned_sequence();
      if (!planned) return fail(planned.error());
      checkpoint_ = EditCheckpoint{*planned, *planned, 0, false, 0, {edit_.planned_snapshot}};
      context_.report(progress(0, 0), encode_checkpoint(checkpoint_));
    }
    auto planned = version_items(checkpoint_.planned_sequence);
    if (!planned) return fail(planned.error());
    planned_ = std::move(*planned);

    for (;;) {
      if (stopping()) return JobResult::stopped();
      auto base = version_items(checkpoint_.base_sequence);
      if (!base) return fail(base.error());
      const auto base_uris = core::uris_of(*base);
      auto desired = core::resolve_edit(edit_.request, planned_, *base);
      if (!desired) return fail(desired.error());
      auto plan = plan_for(edit_.request, base_uris, *desired);
      if (!plan) return fail(plan.error());
      auto model = core::apply_steps(base_uris, prefix(plan->steps, checkpoint_.step));
      if (!model) return fail(model.error());

      const auto result = send(plan->steps, std::move(*model));
      if (result.complete()) return succeed(*base, *desired, *plan, result.snapshot_id);
      if (stopping()) return JobResult::stopped();
      if (result.stopped_by->code != core::ErrorCode::Conflict) return fail(*result.stopped_by);

      // A read did not show the snapshot the job expected: a lagging read, a write of this job
      // whose answer was lost, or a change made outside plm.
      auto where = settle_where();
      if (!where) return fail(where.error());
      if (*where == Where::AtChain) continue;  // the reads caught up: send again from there
      auto current = read_playlist();
      if (!current) return fail(current.error());
      const auto current_uris = core::uris_of(current->items);
      if (auto reached = step_reached(base_uris, plan->steps, current_uris)) {
        // A write of this job whose answer was lost: go on from the state it left.
        checkpoint_.step = *reached;
        remember(current->summary.snapshot_id);
        save_checkpoint(plan->steps);
        continue;
      }
      if (auto replanned = replan_on(*current); !replanned) return fail(replanned.error());
    }
  }

  /// After a successful run: whether the playlist changed (false: nothing was left to send).
  bool changed() const { return changed_; }

 private:
  // ---- what the job starts from

  core::Status load_stored() {
    auto stored = deps_.playlists.playlists_of(account_.id);
    if (!stored) return stored.error();
    const auto found = std::find_if(stored->begin(), stored->end(), [&](const auto& playlist) {
      return playlist.summary.id == job_.playlist_id;
    });
    if (found == stored->end()) {
      return core::make_error(core::ErrorCode::NotFound,
                              "playlist " + job_.playlist_id + " is not stored for account " +
                                  std::to_string(account_.id) + ": sync it first");
    }
    list_position_ = static_cast<std::int64_t>(found - stored->begin());
    stored_ = *found;
    auto items = deps_.playlists.playlist_items(account_.id, job_.playlist_id);
    if (!items) return items.error();
    stored_items_ = std::move(*items);
    for (const auto& item : stored_items_) learn(item);
    for (const auto& track : edit_.request.tracks) catalog_[track.uri] = track;
    return core::ok();
  }

  void learn(const core::PlaylistItem& item) {
    if (item.track && !item.uri.empty()) catalog_.emplace(item.uri, *item.track);
  }

  /// The journal's sequence of the list the request was made against: the version with the
  /// planned snapshot (planned_version first); the stored items when the journal lacks them (they
  /// are recorded then, as the sync would); otherwise the playlist changed since the preview.
  core::Result<std::int64_t> planned_sequence() {
    const auto& snapshot = edit_.planned_snapshot;
    if (snapshot.empty()) {
      return core::make_error(core::ErrorCode::InvalidInput, "the edit names no planned snapshot");
    }
    if (edit_.planned_version) {
      auto version =
          deps_.journal.find_version(account_.id, job_.playlist_id, *edit_.planned_version);
      if (!version) return version.error();
      if (*version && (*version)->snapshot_id == snapshot) return *edit_.planned_version;
    }
    auto known = sequence_of(snapshot);
    if (!known) return known.error();
    if (*known) return **known;
    if (stored_.items_snapshot_id == snapshot) {
      auto versions = recent_versions();
      if (!versions) return versions.error();
      return record(stored_.summary, stored_items_,
                    versions->empty() ? core::kFirstSeen : core::kChangedOutside);
    }
    return core::make_error(core::ErrorCode::Conflict,
                            "the playlist changed since the preview: it was planned on snapshot " +
                                snapshot + ", which plm no longer holds; preview it again");
  }

  /// Recent versions of the playlist, newest first (without items).
  core::Result<std::vector<core::RecordedVersion>> recent_versions() {
    return deps_.journal.list_versions(account_.id, job_.playlist_id,
                                       core::VersionFilter{std::nullopt, std::nullopt, 100});
  }

  core::Result<std::optional<std::int64_t>> sequence_of(const std::string& snapshot) {
    auto versions = recent_versions();
    if (!versions) return versions.error();
    for (const auto& version : *versions) {
      if (version.snapshot_id == snapshot) return std::optional<std::int64_t>(version.sequence);
    }
    return std::optional<std::int64_t>();
  }

  /// A recorded version's items, with the catalog data plm holds for their URIs.
  core::Result<std::vector<core::PlaylistItem>> version_items(std::int64_t sequence) {
    auto version = deps_.journal.find_version(account_.id, job_.playlist_id, sequence);
    if (!version) return version.error();
    if (!*version) {
      return core::make_error(core::ErrorCode::NotFound, "version " + std::to_string(sequence) +
                                                             " of playlist " + job_.playlist_id +
                                                             " is no longer in the journal");
    }
    std::vector<core::PlaylistItem> items;
    items.reserve((*version)->items.size());
    for (const auto& recorded : (*version)->items) {
      core::PlaylistItem item;
      item.uri = recorded.uri;
      item.added_at = recorded.added_at;
      item.added_by = recorded.added_by;
      item.is_local = core::is_local_uri(recorded.uri);
      item.unavailable = recorded.uri.empty();
      if (const auto found = catalog_.find(recorded.uri); found != catalog_.end()) {
        item.track = found->second;
      }
      items.push_back(std::move(item));
    }
    return items;
  }

  // ---- sending

  core::WriteSequenceResult send(const std::vector<core::WriteStep>& steps,
                                 std::vector<std::string> model) {
    const std::size_t first = checkpoint_.step;
    const std::vector<core::WriteStep> rest(
        steps.begin() + static_cast<std::ptrdiff_t>(std::min(first, steps.size())), steps.end());
    core::WriteSequenceOptions options;
    options.always_confirm = true;  // a resumed job must not append twice
    options.settle_reads = kEditSettleReads;
    options.before_settling = [this] { deps_.wait(kEditSettleWait, context_.stop_token()); };
    options.after_step = [&](const core::WriteStepReport& report) {
      checkpoint_.step = first + report.index + 1;
      if (is_item_write(report.kind)) checkpoint_.items_written = true;
      remember(report.snapshot_id);
      sequence_check_reads_ += report.check_reads;
      count_api();
      save_checkpoint(steps);
      return !stopping();
    };
    const auto result = core::run_write_sequence(
        spotify_,
        core::PlannedPlaylist{job_.playlist_id, checkpoint_.snapshots.back(), std::move(model)},
        rest, options);
    // Check reads of the steps that were not applied (after_step counted the others).
    for (const auto& report : result.steps) {
      if (report.status != core::WriteStatus::Applied) sequence_check_reads_ += report.check_reads;
    }
    count_api();
    return result;
  }

  void remember(const std::string& snapshot) {
    checkpoint_.snapshots.push_back(snapshot);
    if (checkpoint_.snapshots.size() > kKeptSnapshots) {
      checkpoint_.snapshots.erase(checkpoint_.snapshots.begin());
    }
  }

  void save_checkpoint(const std::vector<core::WriteStep>& steps) {
    std::int64_t done = 0;
    for (std::size_t i = 0; i < checkpoint_.step && i < steps.size(); ++i) {
      done += core::write_requests(steps[i]);
    }
    context_.report(progress(done, core::write_requests(steps)), encode_checkpoint(checkpoint_));
  }

  core::JobProgress progress(std::int64_t done, std::int64_t total) const {
    return core::JobProgress{done, total, core::ProgressUnit::Calls,
                             "editing " + in_quotes(stored_.summary.name)};
  }

  // ---- where the playlist is

  enum class Where {
    AtChain,  ///< the snapshot the job expects: an earlier read lagged
    Unknown,  ///< a snapshot the job did not make, shown by reads over the whole lag window
  };

  /// Reads the version until it shows the snapshot the job expects, or a snapshot the job does
  /// not know has been shown by kEditSettleReads reads kEditSettleWait apart (Spotify's reads lag
  /// by up to seconds, and a lagging read may show a version plm made but never saw, such as a
  /// step of the edit before: only a snapshot that stays is taken for a change). Snapshots the
  /// job made earlier, or the journal records as older, are lagging reads and are waited out, at
  /// most kMaxLaggingReads times (then Unavailable: the job resumes later).
  core::Result<Where> settle_where() {
    int unknown_reads = 0;
    for (int lagging_reads = 0;;) {
      auto version = spotify_.playlist_version(job_.playlist_id);
      count_api();
      if (!version) return version.error();
      if (version->snapshot_id == checkpoint_.snapshots.back()) return Where::AtChain;
      auto lagging = is_ours_or_older(version->snapshot_id);
      if (!lagging) return lagging.error();
      if (!*lagging && ++unknown_reads >= kEditSettleReads) return Where::Unknown;
      if (*lagging && ++lagging_reads > kMaxLaggingReads) {
        return core::make_error(
            core::ErrorCode::Unavailable,
            "Spotify still shows an older version of playlist " + job_.playlist_id + " after " +
                std::to_string(kMaxLaggingReads) + " reads; the edit will resume later");
      }
      deps_.wait(kEditSettleWait, context_.stop_token());
      if (stopping()) return core::make_error(core::ErrorCode::Unavailable, "stopped");
    }
  }

  /// True for a snapshot this job already moved past or one the journal records as older than
  /// the list the plan starts from: a lagging read, not a change.
  core::Result<bool> is_ours_or_older(const std::string& snapshot) {
    const auto& ours = checkpoint_.snapshots;
    if (std::find(ours.begin(), ours.end(), snapshot) != ours.end()) return true;
    auto sequence = sequence_of(snapshot);
    if (!sequence) return sequence.error();
    return sequence->has_value() && **sequence < checkpoint_.base_sequence;
  }

  core::Result<ReadPlaylist> read_playlist() {
    ReadPlaylist read;
    auto summary = spotify_.playlist(job_.playlist_id);
    if (!summary) return summary.error();
    read.summary = std::move(*summary);
    for (std::int64_t offset = 0;;) {
      if (stopping()) return core::make_error(core::ErrorCode::Unavailable, "stopped");
      auto page =
          spotify_.playlist_items(job_.playlist_id, offset, core::SpotifyApi::kMaxItemsPage);
      if (!page) return page.error();
      read.items.insert(read.items.end(), page->items.begin(), page->items.end());
      if (!page->has_next || page->items.empty()) break;
      offset = page->next_offset > 0 ? page->next_offset
                                     : offset + static_cast<std::int64_t>(page->items.size());
    }
    count_api();
    read.summary.item_count = static_cast<std::int64_t>(read.items.size());
    for (const auto& item : read.items) learn(item);
    return read;
  }

  /// The number of steps after which the plan leaves exactly `current` (at least the steps the
  /// checkpoint says are applied), or nullopt when no state of the plan is `current`.
  std::optional<std::size_t> step_reached(const std::vector<std::string>& base,
                                          const std::vector<core::WriteStep>& steps,
                                          const std::vector<std::string>& current) const {
    auto model = core::apply_steps(base, prefix(steps, checkpoint_.step));
    if (!model) return std::nullopt;
    for (std::size_t step = checkpoint_.step;; ++step) {
      if (*model == current) return step;
      if (step == steps.size()) return std::nullopt;
      model = core::apply_steps(std::move(*model), {steps[step]});
      if (!model) return std::nullopt;
    }
  }

  /// The playlist changed outside plm: it is recorded as such (journal and store) and becomes
  /// the list the intent is resolved on again, unless the job has re-planned too often or sent
  /// part of an add (which a new plan would add again).
  core::Status replan_on(const ReadPlaylist& current) {
    auto sequence = record(current.summary, current.items, core::kChangedOutside);
    if (!sequence) return sequence.error();
    stored_.summary = current.summary;
    stored_.items_snapshot_id = current.summary.snapshot_id;
    stored_items_ = current.items;
    if (++checkpoint_.replans > kMaxReplans) {
      return core::make_error(core::ErrorCode::Conflict,
                              "playlist " + in_quotes(current.summary.name) +
                                  " kept changing on Spotify while plm edited it (" +
                                  std::to_string(kMaxReplans) + " times); try again later");
    }
    if (checkpoint_.items_written && edit_.request.kind == core::EditRequest::Kind::Add) {
      return core::make_error(
          core::ErrorCode::Conflict,
          "playlist " + in_quotes(current.summary.name) +
              " changed on Spotify while plm was adding tracks; part of them were added. "
              "Check the playlist before adding the rest");
    }
    checkpoint_.base_sequence = *sequence;
    checkpoint_.step = 0;
    checkpoint_.snapshots = {current.summary.snapshot_id};
    context_.report(progress(0, 0), encode_checkpoint(checkpoint_));
    return core::ok();
  }

  /// Records a list read from Spotify (or stored) in the journal as cause Sync and stores it, in
  /// one unit of work; its sequence (the latest's when it was the same version).
  core::Result<std::int64_t> record(const core::PlaylistSummary& summary,
                                    const std::vector<core::PlaylistItem>& items,
                                    std::string_view why) {
    core::NewRecordedVersion version{
        account_.id,
        job_.playlist_id,
        summary.snapshot_id,
        core::details_of(summary),
        core::version_items(items),
        core::VersionCause{.kind = core::VersionCauseKind::Sync, .why = std::string(why)}};
    const bool save = summary.snapshot_id != stored_.items_snapshot_id;
    return store_version(version, save ? &summary : nullptr, items);
  }

  /// Records `version` and, with `summary`, saves the playlist as `items`, in one unit of work;
  /// the version's sequence (the latest's when the journal had it already).
  core::Result<std::int64_t> store_version(const core::NewRecordedVersion& version,
                                           const core::PlaylistSummary* summary,
                                           const std::vector<core::PlaylistItem>& items) {
    std::int64_t sequence = 0;
    auto stored = deps_.unit_of_work.in_transaction([&](core::TransactionPorts& ports) {
      auto recorded = ports.journal().record_version(version);
      if (!recorded) return core::Status(recorded.error());
      if (*recorded) {
        sequence = (*recorded)->sequence;
      } else {
        auto latest = ports.journal().list_versions(
            account_.id, job_.playlist_id, core::VersionFilter{std::nullopt, std::nullopt, 1});
        if (!latest) return core::Status(latest.error());
        if (latest->empty()) {
          return core::Status(
              core::make_error(core::ErrorCode::Internal, "journal lost a version"));
        }
        sequence = latest->front().sequence;
      }
      if (summary) {
        return ports.playlists().save_playlist(account_.id, list_position_, *summary, items);
      }
      return core::ok();
    });
    if (!stored) return stored.error();
    return sequence;
  }

  // ---- the end

  JobResult succeed(const std::vector<core::PlaylistItem>& base,
                    const std::vector<std::string>& desired, const Plan& plan,
                    std::string snapshot) {
    if (snapshot.empty()) {
      // A detail or cover change moved the snapshot without telling: one read learns it.
      auto version = spotify_.playlist_version(job_.playlist_id);
      count_api();
      if (!version) return fail(version.error());
      snapshot = version->snapshot_id;
    }
    const auto items = items_after(base, desired, plan);
    auto summary = with_details(stored_.summary, edit_.request.details);
    summary.snapshot_id = snapshot;
    summary.item_count = static_cast<std::int64_t>(items.size());
    auto cause = edit_.cause;
    cause.job_id = job_.id;
    const core::NewRecordedVersion version{account_.id,
                                           job_.playlist_id,
                                           snapshot,
                                           core::details_of(summary),
                                           core::version_items(items),
                                           cause};
    auto sequence = store_version(version, &summary, items);
    if (!sequence) return fail(sequence.error());

    auto counts = core::diff_versions(core::version_items(base), core::details_of(stored_.summary),
                                      version.items, version.details)
                      .counts();
    changed_ = counts != core::ChangeCounts{} || !plan.steps.empty();
    const auto calls = earlier_calls_ + this_attempt().calls;
    const std::string detail = change_words(counts) + " \u00b7 " + std::to_string(calls) +
                               (calls == 1 ? " call" : " calls") + " \u00b7 version " +
                               std::to_string(*sequence);
    context_.record_item(core::JobItemResult{job_.playlist_id, summary.name,
                                             core::ItemOutcome::Done, std::nullopt, detail});
    const auto total = core::write_requests(plan.steps);
    context_.report(progress(total, total), "");
    return JobResult::succeeded("edited " + in_quotes(summary.name) + ": " + detail);
  }

  /// The stored items after the plan: kept items (matched k-th copy to k-th copy, as the engine
  /// matches them) keep their added_at, added_by and catalog data; new ones, and copies a removal
  /// took and put back, are added now by this account.
  std::vector<core::PlaylistItem> items_after(const std::vector<core::PlaylistItem>& base,
                                              const std::vector<std::string>& desired,
                                              const Plan& plan) {
    const bool replaced = plan.edit.strategy == core::EditPlan::Strategy::Replace;
    std::set<std::string> removed;
    for (const auto& step : plan.steps) {
      if (step.kind == core::WriteStep::Kind::Remove)
        removed.insert(step.uris.begin(), step.uris.end());
    }
    std::map<std::string, std::vector<const core::PlaylistItem*>> copies;
    for (const auto& item : base) copies[item.uri].push_back(&item);
    std::map<std::string, std::size_t> used;
    lookup_missing_tracks(desired);
    std::vector<core::PlaylistItem> items;
    items.reserve(desired.size());
    for (const auto& uri : desired) {
      const std::size_t rank = used[uri]++;
      const auto& kept = copies[uri];
      if (!replaced && !removed.contains(uri) && rank < kept.size()) {
        items.push_back(*kept[rank]);
        continue;
      }
      core::PlaylistItem item;
      item.uri = uri;
      item.added_at = deps_.clock.now();
      item.added_by = account_.spotify_user_id;
      item.is_local = core::is_local_uri(uri);
      item.unavailable = uri.empty();
      if (const auto found = catalog_.find(uri); found != catalog_.end())
        item.track = found->second;
      items.push_back(std::move(item));
    }
    return items;
  }

  /// Catalog data for new tracks plm has none of: one lookup each, at most kMaxTrackLookups (the
  /// next sync fills in the rest).
  void lookup_missing_tracks(const std::vector<std::string>& desired) {
    constexpr std::string_view kTrackPrefix = "spotify:track:";
    int lookups = 0;
    for (const auto& uri : desired) {
      if (lookups >= kMaxTrackLookups) break;
      if (!uri.starts_with(kTrackPrefix) || catalog_.contains(uri)) continue;
      ++lookups;
      auto track = spotify_.track(uri.substr(kTrackPrefix.size()));
      if (track) catalog_.emplace(uri, std::move(*track));
    }
    if (lookups > 0) count_api();
  }

  JobResult fail(const core::Error& error) {
    if (stopping()) return JobResult::stopped();
    if (!error.retryable()) {
      const auto outcome = error.code == core::ErrorCode::Conflict ? core::ItemOutcome::Conflict
                                                                   : core::ItemOutcome::Failed;
      const auto& name = stored_.summary.name.empty() ? job_.playlist_id : stored_.summary.name;
      context_.record_item(core::JobItemResult{job_.playlist_id, name, outcome, error, ""});
    }
    return JobResult::failed(error);
  }

  bool stopping() const { return context_.stop_token().stop_requested(); }

  core::ApiCounters this_attempt() const {
    auto counters = counters_since(spotify_.counters(), start_counters_);
    counters.check_reads = sequence_check_reads_;
    return counters;
  }
  void count_api() { context_.count_api(this_attempt()); }

  const EditJobDeps& deps_;
  JobContext& context_;
  const core::Job& job_;
  core::SpotifyAccount account_;
  core::SpotifyApi& spotify_;
  EditJob edit_;
  std::int64_t earlier_calls_;  ///< Spotify calls of the job's earlier attempts
  core::ApiCounters start_counters_;
  std::int64_t sequence_check_reads_ = 0;

  core::StoredPlaylist stored_;
  std::int64_t list_position_ = 0;
  std::vector<core::PlaylistItem> stored_items_;
  std::map<std::string, core::TrackInfo, std::less<>> catalog_;  ///< by URI
  EditCheckpoint checkpoint_;
  std::vector<core::PlaylistItem> planned_;
  bool changed_ = false;
};

JobResult run_edit(const EditJobDeps& deps, JobContext& context) {
  const core::Job& job = context.job();
  auto edit = decode_edit_payload(job.payload);
  if (!edit) return JobResult::failed(edit.error());
  auto account = account_for_job(deps.accounts, job, "edit");
  if (!account) return JobResult::failed(account.error());
  const auto spotify = deps.spotify_for(*account);
  return run_one_edit(deps, context, *account, *spotify, std::move(*edit)).result;
}
}  // namespace

EditRunResult run_one_edit(const EditJobDeps& deps, JobContext& context,
                           const core::SpotifyAccount& account, core::SpotifyApi& spotify,
                           EditJob edit) {
  EditRun run(deps, context, account, spotify, std::move(edit));
  auto result = run.run();
  return EditRunResult{std::move(result), run.changed()};
}

Json edit_job_json(const EditJob& edit) {
  return Json{
      {"version", kPayloadVersion},
      {"request", request_json(edit.request)},
      {"planned_snapshot", edit.planned_snapshot},
      {"planned_version", edit.planned_version ? Json(*edit.planned_version) : Json(nullptr)},
      {"cause", cause_json(edit.cause)}};
}

core::Result<EditJob> edit_job_from(const Json& json) {
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

std::string encode_edit_payload(const EditJob& edit) { return edit_job_json(edit).dump(); }

core::Result<EditJob> decode_edit_payload(const std::string& payload) {
  return edit_job_from(Json::parse(payload, nullptr, /*allow_exceptions=*/false));
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

void add_edit_handlers(JobHandlers& handlers, const EditJobDeps& deps) {
  handlers[core::JobKind::EditPlaylist] = [deps](JobContext& context) {
    return run_edit(deps, context);
  };
}

}  // namespace plm::app
