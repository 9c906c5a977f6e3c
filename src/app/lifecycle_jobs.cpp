#include "app/lifecycle_jobs.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/job_account.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/write/write_sequence.hpp"

namespace plm::app {

using core::ErrorCode;
using Json = nlohmann::json;

namespace {

constexpr int kPayloadVersion = 1;
constexpr int kCheckpointVersion = 1;

/// How far one new playlist got; saved in the checkpoint after every step.
enum class PartState {
  Pending,   ///< nothing sent
  Creating,  ///< the create was (maybe) sent: settle by listing, never send it again
  Created,   ///< `id` and `snapshot` known; no item sent
  Adding,    ///< appends were (maybe) sent: read what is there before appending more
  Added,     ///< every item is on Spotify; `snapshot` is the last one (may be empty: unknown)
  Stored,    ///< stored and journaled: done
};

constexpr std::string_view to_string(PartState state) {
  constexpr std::string_view kNames[] = {"pending", "creating", "created",
                                         "adding",  "added",    "stored"};
  return kNames[static_cast<int>(state)];
}

PartState part_state_from(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(PartState::Stored); ++i) {
    if (to_string(static_cast<PartState>(i)) == text) return static_cast<PartState>(i);
  }
  return PartState::Pending;
}

struct PartProgress {
  PartState state = PartState::Pending;
  std::string id;
  std::string snapshot;
};

std::string encode_checkpoint(const std::vector<PartProgress>& parts) {
  Json array = Json::array();
  for (const auto& part : parts) {
    array.push_back(
        Json{{"state", to_string(part.state)}, {"id", part.id}, {"snapshot", part.snapshot}});
  }
  return Json{{"version", kCheckpointVersion}, {"parts", std::move(array)}}.dump();
}

/// The parts' progress saved by an earlier attempt; all pending for a first attempt. A checkpoint
/// this version did not write is an error (Internal): guessing could create a playlist twice.
core::Result<std::vector<PartProgress>> decode_checkpoint(const std::string& checkpoint,
                                                          std::size_t part_count) {
  std::vector<PartProgress> parts(part_count);
  if (checkpoint.empty()) return parts;
  const Json json = Json::parse(checkpoint, nullptr, /*allow_exceptions=*/false);
  try {
    if (json.value("version", 0) == kCheckpointVersion && json.at("parts").size() == part_count) {
      for (std::size_t i = 0; i < part_count; ++i) {
        const Json& part = json.at("parts").at(i);
        parts[i] =
            PartProgress{part_state_from(part.at("state").get<std::string>()),
                         part.at("id").get<std::string>(), part.at("snapshot").get<std::string>()};
      }
      return parts;
    }
  } catch (const Json::exception&) {
  }
  return core::make_error(ErrorCode::Internal,
                          "the job's checkpoint is not one this version of plm wrote");
}

/// A handler's job state: the creation, the account, its client and the parts' progress.
class CreationRun {
 public:
  CreationRun(const LifecycleJobDeps& deps, JobContext& context, core::PlaylistCreation creation,
              core::SpotifyAccount account, std::vector<PartProgress> progress)
      : deps_(deps),
        context_(context),
        creation_(std::move(creation)),
        account_(std::move(account)),
        spotify_(deps.spotify_for(account_)),
        progress_(std::move(progress)) {}

  JobResult run() {
    load_catalog();
    std::int64_t tracks = 0;
    for (std::size_t i = 0; i < creation_.parts.size(); ++i) {
      if (context_.stop_token().stop_requested()) return JobResult::stopped();
      const auto made = make_part(i);
      context_.count_api(spotify_->counters());
      if (!made) {
        if (context_.stop_token().stop_requested()) return JobResult::stopped();
        context_.record_item(core::JobItemResult{key_of(i), creation_.parts[i].name,
                                                 core::ItemOutcome::Failed, made.error(),
                                                 progress_[i].id});
        return JobResult::failed(made.error());
      }
      tracks += static_cast<std::int64_t>(creation_.parts[i].uris.size());
    }
    const auto count = creation_.parts.size();
    return JobResult::succeeded(count == 1
                                    ? "created \u201c" + creation_.parts[0].name + "\u201d with " +
                                          std::to_string(tracks) + " tracks"
                                    : "created " + std::to_string(count) + " playlists with " +
                                          std::to_string(tracks) + " tracks");
  }

 private:
  static std::string key_of(std::size_t part) { return "part/" + std::to_string(part + 1); }

  void save(std::size_t part, const std::string& message) {
    context_.report(core::JobProgress{static_cast<std::int64_t>(part),
                                      static_cast<std::int64_t>(creation_.parts.size()),
                                      core::ProgressUnit::Playlists, message},
                    encode_checkpoint(progress_));
  }

  /// The catalog data of the sources' stored items, for storing the new playlists without
  /// reading them back. A source gone since the job was enqueued only leaves items without it.
  void load_catalog() {
    for (const auto& source : creation_.sources) {
      auto items = deps_.playlists.playlist_items(account_.id, source);
      if (!items) continue;
      for (auto& item : *items) {
        if (item.track) catalog_.try_emplace(item.uri, std::move(*item.track));
      }
    }
  }

  core::Status make_part(std::size_t index) {
    PartProgress& progress = progress_[index];
    const core::PlaylistCreation::Part& part = creation_.parts[index];
    if (progress.state == PartState::Stored) return core::ok();  // an earlier attempt did it
    if (progress.state == PartState::Pending || progress.state == PartState::Creating) {
      if (auto created = create(index); !created) return created;
    }
    if (progress.state == PartState::Created || progress.state == PartState::Adding) {
      if (auto added = add_items(index); !added) return added;
    }
    if (auto stored = store(index); !stored) return stored;
    progress.state = PartState::Stored;
    save(index + 1, "created \u201c" + part.name + "\u201d");
    context_.record_item(core::JobItemResult{
        key_of(index), part.name, core::ItemOutcome::Done, std::nullopt,
        "created " + progress.id + " with " + std::to_string(part.uris.size()) + " tracks"});
    return core::ok();
  }

  core::Status create(std::size_t index) {
    PartProgress& progress = progress_[index];
    const std::string& name = creation_.parts[index].name;
    if (progress.state == PartState::Pending) {
      // Saved before sending: a crash right after the create must not lead to a second one.
      progress.state = PartState::Creating;
      save(index, "creating \u201c" + name + "\u201d");
      const core::CreateOutcome outcome =
          spotify_->create_playlist(core::NewPlaylist{.name = name,
                                                      .description = creation_.description,
                                                      .is_public = creation_.is_public,
                                                      .collaborative = creation_.collaborative});
      if (outcome.write.status == core::WriteStatus::NotApplied) {
        progress.state = PartState::Pending;  // nothing was created: a retry may send it again
        save(index, "creating \u201c" + name + "\u201d");
        return outcome.write.error.value_or(
            core::make_error(ErrorCode::Internal, "Spotify refused to create the playlist"));
      }
      if (outcome.write.is_applied() && outcome.playlist) {
        progress.id = outcome.playlist->id;
        progress.snapshot = outcome.playlist->snapshot_id.empty() ? outcome.write.snapshot_id
                                                                  : outcome.playlist->snapshot_id;
      }
    }
    if (progress.id.empty()) {
      auto adopted = find_unanswered_creation(index);
      if (!adopted) return adopted.error();
      progress.id = adopted->id;
      progress.snapshot = adopted->snapshot_id;
    }
    progress.state = PartState::Created;
    save(index, "adding " + std::to_string(creation_.parts[index].uris.size()) +
                    " tracks to \u201c" + name + "\u201d");
    return core::ok();
  }

  /// The playlist an unanswered create made, if Spotify lists it: the newest of that name owned
  /// by the account, still empty (nothing is appended before the id is saved), that plm does not
  /// store and no earlier part made. An empty playlist of that name the user made elsewhere since
  /// the last sync would be taken for it: harmless, it receives the tracks meant for this one.
  core::Result<core::PlaylistSummary> find_unanswered_creation(std::size_t index) {
    const std::string& name = creation_.parts[index].name;
    std::set<std::string> known;
    auto stored = deps_.playlists.playlists_of(account_.id);
    if (!stored) return stored.error();
    for (const auto& playlist : *stored) known.insert(playlist.summary.id);
    for (const auto& other : progress_) known.insert(other.id);
    std::int64_t offset = 0;
    for (int page_number = 0; page_number < kCreateSettlePages; ++page_number) {
      auto page = spotify_->my_playlists(offset, core::SpotifyApi::kMaxPlaylistsPage);
      if (!page) return page.error();
      for (const auto& playlist : page->items) {
        if (playlist.name == name && playlist.owner_id == account_.spotify_user_id &&
            playlist.item_count == 0 && !known.contains(playlist.id)) {
          return playlist;
        }
      }
      if (!page->has_next) break;
      offset = page->next_offset ? page->next_offset
                                 : offset + static_cast<std::int64_t>(page->items.size());
    }
    // Not a retryable error: retrying must not create it a second time.
    return core::make_error(
        ErrorCode::Conflict,
        "Spotify did not answer whether it created \u201c" + name +
            "\u201d and does not list it: not created again; sync the account and try again");
  }

  core::Status add_items(std::size_t index) {
    PartProgress& progress = progress_[index];
    const std::vector<std::string>& desired = creation_.parts[index].uris;
    core::PlannedPlaylist planned{progress.id, progress.snapshot, {}};
    if (progress.state == PartState::Adding) {
      // An earlier attempt may have appended some: what is there must be the list's start.
      auto current = read_playlist(progress.id);
      if (!current) return current.error();
      const bool is_start = current->uris.size() <= desired.size() &&
                            std::equal(current->uris.begin(), current->uris.end(), desired.begin());
      if (!is_start) {
        return core::make_error(ErrorCode::Conflict,
                                "\u201c" + creation_.parts[index].name +
                                    "\u201d changed on Spotify while plm was filling it");
      }
      planned = std::move(*current);
    }
    const std::vector<std::string> remaining(
        desired.begin() + static_cast<std::ptrdiff_t>(planned.uris.size()), desired.end());
    if (!remaining.empty()) {
      progress.state = PartState::Adding;
      save(index, "adding " + std::to_string(desired.size()) + " tracks to \u201c" +
                      creation_.parts[index].name + "\u201d");
      const auto result = core::run_write_sequence(
          *spotify_, planned, {core::WriteStep::add(remaining)},
          core::WriteSequenceOptions{.always_confirm = true,
                                     .settle_reads = kSettleReads,
                                     .before_settling = deps_.wait_for_reads});
      if (!result.complete()) return *result.stopped_by;
      planned.snapshot_id = result.snapshot_id;
    }
    progress.snapshot = planned.snapshot_id;
    progress.state = PartState::Added;
    save(index, "saving \u201c" + creation_.parts[index].name + "\u201d");
    return core::ok();
  }

  /// The playlist's snapshot and items, as the write sequence plans against them.
  core::Result<core::PlannedPlaylist> read_playlist(const std::string& id) {
    auto version = spotify_->playlist_version(id);
    if (!version) return version.error();
    auto items = read_items(id);
    if (!items) return items.error();
    core::PlannedPlaylist playlist{id, version->snapshot_id, {}};
    for (const auto& item : *items) playlist.uris.push_back(item.uri);
    return playlist;
  }

  core::Result<std::vector<core::PlaylistItem>> read_items(const std::string& id) {
    std::vector<core::PlaylistItem> items;
    for (std::int64_t offset = 0;;) {
      auto page = spotify_->playlist_items(id, offset, core::SpotifyApi::kMaxItemsPage);
      if (!page) return page.error();
      items.insert(items.end(), page->items.begin(), page->items.end());
      if (!page->has_next) break;
      offset = page->next_offset ? page->next_offset
                                 : offset + static_cast<std::int64_t>(page->items.size());
    }
    return items;
  }

  /// The new playlist's items to store: from the sources' catalog data without a read; when plm
  /// holds none for some URIs (added by URI), read back from Spotify once (ceil(n/50) reads).
  /// Empty `snapshot` when even that did not give the list (a read lagging the appends): the
  /// playlist is then stored under an unknown snapshot and the next sync reads it.
  std::vector<core::PlaylistItem> items_to_store(std::size_t index, std::string& snapshot) {
    const core::PlaylistCreation::Part& part = creation_.parts[index];
    const core::TimePoint now = std::chrono::floor<std::chrono::seconds>(deps_.clock.now());
    std::vector<core::PlaylistItem> items;
    bool catalog_complete = true;
    for (const auto& uri : part.uris) {
      core::PlaylistItem item{.uri = uri, .added_at = now, .added_by = account_.spotify_user_id};
      if (const auto found = catalog_.find(uri); found != catalog_.end()) {
        item.track = found->second;
      } else {
        catalog_complete = false;
      }
      items.push_back(std::move(item));
    }
    if (catalog_complete) return items;
    auto read = read_items(progress_[index].id);
    if (read && read->size() == items.size() &&
        std::equal(read->begin(), read->end(), part.uris.begin(),
                   [](const core::PlaylistItem& item, const std::string& uri) {
                     return item.uri == uri;
                   })) {
      return std::move(*read);
    }
    snapshot.clear();
    return items;
  }

  core::Status store(std::size_t index) {
    const PartProgress& progress = progress_[index];
    const core::PlaylistCreation::Part& part = creation_.parts[index];
    std::string stored_snapshot = progress.snapshot;
    const std::vector<core::PlaylistItem> items = items_to_store(index, stored_snapshot);
    core::PlaylistSummary summary{.id = progress.id,
                                  .name = part.name,
                                  .description = creation_.description,
                                  .owner_id = account_.spotify_user_id,
                                  .owner_name = account_.display_name,
                                  .is_public = creation_.is_public,
                                  .collaborative = creation_.collaborative,
                                  .snapshot_id = stored_snapshot,
                                  .item_count = static_cast<std::int64_t>(items.size())};
    // Spotify lists a new playlist first; the next sync numbers the list again.
    if (auto saved = deps_.playlists.save_playlist(account_.id, 0, summary, items); !saved)
      return saved;
    const core::Job& job = context_.job();
    auto recorded = deps_.journal.record_version(core::NewRecordedVersion{
        .account_id = account_.id,
        .playlist_id = progress.id,
        .snapshot_id = progress.snapshot,
        .details = core::details_of(summary),
        .items = core::version_items(items),
        .cause = core::VersionCause{.kind = core::VersionCauseKind::Edit,
                                    .app_user_id = job.owner_user_id,
                                    .origin = creation_.origin,
                                    .action = std::string(core::to_string(creation_.action)),
                                    .why = creation_.why,
                                    .job_id = job.id}});
    if (!recorded) return recorded.error();
    return core::ok();
  }

  const LifecycleJobDeps& deps_;
  JobContext& context_;
  core::PlaylistCreation creation_;
  core::SpotifyAccount account_;
  std::shared_ptr<core::SpotifyApi> spotify_;
  std::vector<PartProgress> progress_;
  std::map<std::string, core::TrackInfo> catalog_;
};

JobResult run_creation(const LifecycleJobDeps& deps, JobContext& context) {
  const core::Job& job = context.job();
  auto creation = decode_creation(job.payload);
  if (!creation) {
    return JobResult::failed(core::make_error(
        ErrorCode::Internal, "the job's payload is not a creation this version of plm wrote"));
  }
  auto progress = decode_checkpoint(job.checkpoint, creation->parts.size());
  if (!progress) return JobResult::failed(progress.error());
  auto account = account_for_job(deps.accounts, job, "create playlists");
  if (!account) return JobResult::failed(account.error());
  return CreationRun(deps, context, std::move(*creation), std::move(*account), std::move(*progress))
      .run();
}

JobResult run_delete(const LifecycleJobDeps& deps, JobContext& context) {
  const core::Job& job = context.job();
  auto account = account_for_job(deps.accounts, job, "unfollow playlists");
  if (!account) return JobResult::failed(account.error());
  const auto stored = deps.playlists.find_playlist(account->id, job.playlist_id);
  const std::string name =
      stored && *stored ? (*stored)->summary.name : std::string(job.playlist_id);
  const auto spotify = deps.spotify_for(*account);
  // Unfollowing is idempotent: the client repeats it after a 5xx, and a resumed job sends it again.
  const core::WriteOutcome outcome = spotify->unfollow_playlist(job.playlist_id);
  context.count_api(spotify->counters());
  core::Status done = outcome.is_applied()
                          ? core::ok()
                          : core::Status(outcome.error.value_or(core::make_error(
                                ErrorCode::Internal, "Spotify did not unfollow the playlist")));
  if (done) done = deps.playlists.remove_playlist(account->id, job.playlist_id);
  if (!done) {
    if (context.stop_token().stop_requested()) return JobResult::stopped();
    context.record_item(
        core::JobItemResult{job.playlist_id, name, core::ItemOutcome::Failed, done.error(), ""});
    return JobResult::failed(done.error());
  }
  context.record_item(core::JobItemResult{job.playlist_id, name, core::ItemOutcome::Done,
                                          std::nullopt, "unfollowed; its history is kept"});
  return JobResult::succeeded("unfollowed \u201c" + name + "\u201d");
}

}  // namespace

void add_lifecycle_handlers(JobHandlers& handlers, const LifecycleJobDeps& deps) {
  handlers[core::JobKind::CreatePlaylist] = [deps](JobContext& context) {
    return run_creation(deps, context);
  };
  handlers[core::JobKind::SplitPlaylist] = [deps](JobContext& context) {
    return run_creation(deps, context);
  };
  handlers[core::JobKind::DeletePlaylist] = [deps](JobContext& context) {
    return run_delete(deps, context);
  };
}

core::NewJob creation_job(std::int64_t owner_user_id, std::int64_t account_id,
                          const core::PlaylistCreation& creation) {
  const bool split = creation.action == core::PlaylistCreation::Action::Split;
  return core::NewJob{
      .kind = split ? core::JobKind::SplitPlaylist : core::JobKind::CreatePlaylist,
      .owner_user_id = owner_user_id,
      .account_id = account_id,
      .playlist_id = split && !creation.sources.empty() ? creation.sources.front() : "",
      .concurrency_key = core::concurrency_key_for_account(account_id),
      .payload = encode_creation(creation),
      .unit = core::ProgressUnit::Playlists};
}

core::NewJob delete_playlist_job(std::int64_t owner_user_id, std::int64_t account_id,
                                 const std::string& playlist_id) {
  return core::NewJob{
      .kind = core::JobKind::DeletePlaylist,
      .owner_user_id = owner_user_id,
      .account_id = account_id,
      .playlist_id = playlist_id,
      .concurrency_key = core::concurrency_key_for_playlist(account_id, playlist_id),
      .unit = core::ProgressUnit::Playlists,
      .unique_while_active = true};
}

std::string encode_creation(const core::PlaylistCreation& creation) {
  Json parts = Json::array();
  for (const auto& part : creation.parts)
    parts.push_back(Json{{"name", part.name}, {"uris", part.uris}});
  return Json{{"version", kPayloadVersion},
              {"action", core::to_string(creation.action)},
              {"description", creation.description},
              {"public", creation.is_public},
              {"collaborative", creation.collaborative},
              {"sources", creation.sources},
              {"parts", std::move(parts)},
              {"origin", creation.origin},
              {"why", creation.why}}
      .dump();
}

std::optional<core::PlaylistCreation> decode_creation(const std::string& payload) {
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  try {
    if (!json.is_object() || json.value("version", 0) != kPayloadVersion) return std::nullopt;
    const auto action = core::creation_action_from_string(json.at("action").get<std::string>());
    if (!action) return std::nullopt;
    core::PlaylistCreation creation{.action = *action,
                                    .description = json.at("description").get<std::string>(),
                                    .is_public = json.at("public").get<bool>(),
                                    .collaborative = json.at("collaborative").get<bool>(),
                                    .sources = json.at("sources").get<std::vector<std::string>>(),
                                    .parts = {},
                                    .origin = json.at("origin").get<std::string>(),
                                    .why = json.at("why").get<std::string>()};
    for (const auto& part : json.at("parts")) {
      creation.parts.push_back(core::PlaylistCreation::Part{
          part.at("name").get<std::string>(), part.at("uris").get<std::vector<std::string>>()});
    }
    if (creation.parts.empty()) return std::nullopt;
    return creation;
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace plm::app
