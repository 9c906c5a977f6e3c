#include "core/batch/batch_requests.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

#include "core/journal/restore_request.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using EntryStatus = BatchEntryPlan::Status;

/// The most playlist ids one selection may name (the web's multi-select of a large library).
constexpr std::size_t kMaxSelectedIds = 5'000;

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidInput, std::move(message));
}

std::string not_stored(const std::string& id) {
  return "playlist " + id.substr(0, 64) +
         " is not stored for this account: plm playlists lists them, plm sync reads new ones";
}

const StoredPlaylist* find_stored(const std::vector<StoredPlaylist>& all, const std::string& id) {
  const auto it = std::find_if(all.begin(), all.end(),
                               [&](const StoredPlaylist& p) { return p.summary.id == id; });
  return it == all.end() ? nullptr : &*it;
}

/// The playlists a selection names, in the account's list order, each once.
Result<std::vector<const StoredPlaylist*>> selected(const BatchSelection& selection,
                                                    const std::vector<StoredPlaylist>& all,
                                                    const SpotifyAccount& account) {
  const bool by_ids = !selection.playlist_ids.empty();
  if (by_ids == selection.selector.has_value()) {
    return invalid("give either playlist ids or a selector, not " +
                   std::string(by_ids ? "both" : "neither"));
  }
  std::set<std::string> ids;
  if (by_ids) {
    if (selection.playlist_ids.size() > kMaxSelectedIds) {
      return invalid("a batch selects at most " + std::to_string(kMaxSelectedIds) +
                     " playlists by id, not " + std::to_string(selection.playlist_ids.size()));
    }
    for (const auto& id : selection.playlist_ids) {
      if (find_stored(all, id) == nullptr) return make_error(ErrorCode::NotFound, not_stored(id));
      ids.insert(id);
    }
  } else {
    auto selector = parse_selector(*selection.selector);
    if (!selector) return selector.error();
    auto chosen = select_playlists(*selector, all, account.spotify_user_id);
    if (!chosen) return chosen.error();
    ids.insert(chosen->begin(), chosen->end());
  }
  std::vector<const StoredPlaylist*> playlists;
  for (const auto& playlist : all) {
    if (ids.contains(playlist.summary.id)) playlists.push_back(&playlist);
  }
  return playlists;
}

/// The stored items of `playlists`, and the targets that point at them (`items` must outlive the
/// targets; it is sized once, so the pointers stay put).
Result<std::vector<BatchTarget>> load_targets(PlaylistStore& store, std::int64_t account_id,
                                              const std::vector<const StoredPlaylist*>& playlists,
                                              std::vector<std::vector<PlaylistItem>>& items) {
  items.assign(playlists.size(), {});
  std::vector<BatchTarget> targets;
  targets.reserve(playlists.size());
  for (std::size_t i = 0; i < playlists.size(); ++i) {
    auto loaded = store.playlist_items(account_id, playlists[i]->summary.id);
    if (!loaded) return loaded.error();
    items[i] = std::move(*loaded);
    targets.push_back({playlists[i], &items[i]});
  }
  return targets;
}

/// Add from a stored playlist: its tracks and episodes in order, with their catalog data.
Status take_uris_from(PlaylistStore& store, const SpotifyAccount& account,
                      const std::vector<StoredPlaylist>& all, const std::string& source,
                      BatchOperation& operation) {
  if (operation.kind != BatchOperation::Kind::Add) {
    return invalid("add_from_playlist goes with an add, not a " +
                   std::string(to_string(operation.kind)));
  }
  if (find_stored(all, source) == nullptr) {
    return make_error(ErrorCode::NotFound, not_stored(source));
  }
  auto items = store.playlist_items(account.id, source);
  if (!items) return items.error();
  operation.uris.clear();
  operation.tracks.clear();
  for (const auto& item : *items) {
    if (item.is_local || item.unavailable || !is_item_uri(item.uri)) continue;
    operation.uris.push_back(item.uri);
    if (item.track) operation.tracks.push_back(*item.track);
  }
  if (operation.uris.empty()) {
    return invalid("playlist " + source.substr(0, 64) + " holds no track or episode to add");
  }
  return ok();
}

std::string counted(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

/// "add 1 track at position 3 to 40 playlists", for people and the job list.
std::string describe(const BatchOperation& operation, std::size_t playlists) {
  using Kind = BatchOperation::Kind;
  const std::string them = counted(playlists, "playlist", "playlists");
  switch (operation.kind) {
    case Kind::Add: {
      std::string where = " at the bottom";
      if (operation.at == BatchOperation::At::Top) where = " at the top";
      if (operation.at == BatchOperation::At::Position) {
        where = " at position " + std::to_string(operation.position + 1);
      }
      return "add " + counted(operation.uris.size(), "track", "tracks") + where + " to " + them;
    }
    case Kind::Remove:
      return "remove " + counted(operation.uris.size(), "track", "tracks") + " from " + them;
    case Kind::Replace:
      return "replace 1 track in " + them;
    case Kind::Dedupe:
      return "remove duplicates from " + them + " (keep the " +
             std::string(to_string(operation.keep)) + ")";
    case Kind::Sort:
      return "sort " + them + " by " + std::string(to_string(operation.sort_by)) +
             (operation.descending ? ", descending" : "");
    case Kind::Shuffle:
      return "shuffle " + them;
    case Kind::Rename:
      if (operation.name_template && operation.description_template) {
        return "rename and describe " + them;
      }
      return (operation.name_template ? "rename " : "change the description of ") + them;
    case Kind::Visibility:
      return "make " + them + (operation.make_public ? " public" : " private");
  }
  return std::string(to_string(operation.kind)) + " " + them;
}

/// The version the batch `job_id` recorded for the playlist, among its recent versions.
Result<std::optional<std::int64_t>> batch_version(PlaylistJournal& journal, std::int64_t account_id,
                                                  const std::string& playlist_id,
                                                  std::int64_t job_id) {
  auto versions = journal.list_versions(account_id, playlist_id, {.limit = kMaxVersionPage});
  if (!versions) return versions.error();
  for (const auto& version : *versions) {
    if (version.cause.job_id == job_id) return std::optional<std::int64_t>(version.sequence);
  }
  return std::optional<std::int64_t>();
}

/// One undo entry: the request undo_request gives now, planned on the stored items.
Result<BatchEntryPlan> plan_undo_entry(PlaylistStore& store, PlaylistJournal& journal,
                                       const SpotifyAccount& account,
                                       const StoredPlaylist& playlist, std::int64_t version) {
  BatchEntryPlan entry;
  entry.playlist_id = playlist.summary.id;
  entry.name = playlist.summary.name;
  entry.planned_snapshot = playlist.items_snapshot_id;
  entry.undo_version = version;
  const auto refuse = [&](std::string reason) {
    entry.status = EntryStatus::Refused;
    entry.reason = std::move(reason);
    return entry;
  };
  auto request =
      undo_request(journal, account.id, entry.playlist_id, version, details_of(playlist.summary));
  if (!request) {
    const auto code = request.error().code;
    if (code != ErrorCode::Conflict && code != ErrorCode::NotFound) return request.error();
    return refuse(request.error().message);
  }
  const WriteScope scope = request->details.empty() ? WriteScope::Items : WriteScope::Details;
  if (auto why = why_not_writable(playlist.summary, account.spotify_user_id, scope)) {
    return refuse(std::move(*why));
  }
  if (playlist.items_snapshot_id.empty() ||
      playlist.items_snapshot_id != playlist.summary.snapshot_id) {
    return refuse(std::string(kNotSyncedReason));
  }
  auto items = store.playlist_items(account.id, entry.playlist_id);
  if (!items) return items.error();
  entry.request = std::move(*request);
  auto proposal = propose_edit(entry.request, *items);
  if (!proposal) return refuse(proposal.error().message);
  if (proposal->plan.steps.empty()) {
    entry.status = EntryStatus::Unchanged;
    entry.reason = "already as it was before the batch";
    return entry;
  }
  entry.proposal = std::move(*proposal);
  entry.calls = estimated_calls(entry.proposal, entry.request);
  return entry;
}

bool version_holds(const RecordedVersion& version, const std::string& uri) {
  return std::any_of(version.items.begin(), version.items.end(),
                     [&](const VersionItem& item) { return item.uri == uri; });
}

/// The time of the oldest version in the latest unbroken run of versions that hold `uri`. Only
/// the versions before one that added items are read with their items: a version that added
/// nothing holds only what the one before it held, so that one holds `uri` too.
Result<std::optional<TimePoint>> in_history_since(PlaylistJournal& journal, std::int64_t account_id,
                                                  const std::string& playlist_id,
                                                  const std::string& uri) {
  std::optional<TimePoint> since;
  std::optional<RecordedVersion> newer;  // the last version found to hold it, without items
  VersionFilter page{.limit = 100};
  while (true) {
    auto versions = journal.list_versions(account_id, playlist_id, page);
    if (!versions) return versions.error();
    for (auto& listed : *versions) {
      const bool follows =
          newer && newer->changes.added == 0 && newer->sequence == listed.sequence + 1;
      if (!follows) {
        auto version = journal.find_version(account_id, playlist_id, listed.sequence);
        if (!version) return version.error();
        if (!*version || !version_holds(**version, uri)) return since;
      }
      since = listed.recorded_at;
      newer = std::move(listed);
    }
    if (static_cast<std::int64_t>(versions->size()) < page.limit) return since;
    page.before = newer->sequence;
  }
}

}  // namespace

Result<BatchProposal> propose_batch(PlaylistStore& playlists, const SpotifyAccount& account,
                                    const BatchRequest& request, const BatchPlanOptions& options) {
  if (request.parts.empty()) return invalid("a batch needs at least one operation");
  auto all = playlists.playlists_of(account.id);
  if (!all) return all.error();
  std::vector<BatchEntryPlan> entries;
  std::vector<std::string> summaries;
  std::set<std::string> planned;  // playlists of the parts so far
  for (const auto& part : request.parts) {
    BatchOperation operation = part.operation;
    if (part.add_from_playlist) {
      if (auto taken = take_uris_from(playlists, account, *all, *part.add_from_playlist, operation);
          !taken) {
        return taken.error();
      }
    }
    if (auto checked = check_batch_operation(operation); !checked) return checked.error();
    auto chosen = selected(part.selection, *all, account);
    if (!chosen) return chosen.error();
    if (chosen->empty()) return invalid("the selector matches no playlist");
    for (const auto* playlist : *chosen) {
      if (!planned.insert(playlist->summary.id).second) {
        return invalid("playlist " + playlist->summary.id + " (" + playlist->summary.name +
                       ") is in two parts of the batch: a batch changes each playlist once");
      }
    }
    std::vector<std::vector<PlaylistItem>> items;
    std::vector<BatchTarget> targets;
    if (write_scope_of(operation.kind) == WriteScope::Items) {
      auto loaded = load_targets(playlists, account.id, *chosen, items);
      if (!loaded) return loaded.error();
      targets = std::move(*loaded);
    } else {
      for (const auto* playlist : *chosen) targets.push_back({playlist, nullptr});
    }
    auto plan = plan_batch(operation, targets, account.spotify_user_id, options);
    if (!plan) return plan.error();
    std::move(plan->entries.begin(), plan->entries.end(), std::back_inserter(entries));
    summaries.push_back(describe(operation, chosen->size()));
  }
  std::string summary;
  for (const auto& text : summaries) summary += (summary.empty() ? "" : "; ") + text;
  return BatchProposal{plan_of(std::move(entries), options), std::move(summary)};
}

Result<BatchProposal> plan_batch_undo(PlaylistStore& playlists, PlaylistJournal& journal,
                                      const SpotifyAccount& account, const JobDetails& batch,
                                      const std::vector<std::string>& playlist_ids,
                                      const BatchPlanOptions& options) {
  const std::string named = "job " + std::to_string(batch.job.id);
  if (batch.job.kind != JobKind::BatchEdit) {
    return invalid(named + " is a " + std::string(to_string(batch.job.kind)) +
                   " job, not a batch: only batches are undone here");
  }
  if (batch.job.account_id != account.id) {
    return invalid(named + " changed the playlists of another account");
  }
  if (!is_finished(batch.job.state)) {
    return make_error(ErrorCode::Conflict, "batch " + std::to_string(batch.job.id) + " is " +
                                               std::string(to_string(batch.job.state)) +
                                               ": undo it once it has finished");
  }
  std::vector<std::string> done;
  for (const auto& item : batch.items) {
    if (item.outcome == ItemOutcome::Done) done.push_back(item.key);
  }
  if (!playlist_ids.empty()) {
    for (const auto& id : playlist_ids) {
      if (std::find(done.begin(), done.end(), id) == done.end()) {
        return make_error(ErrorCode::NotFound, "batch " + std::to_string(batch.job.id) +
                                                   " did not change playlist " + id.substr(0, 64));
      }
    }
    std::erase_if(done, [&](const std::string& id) {
      return std::find(playlist_ids.begin(), playlist_ids.end(), id) == playlist_ids.end();
    });
  }
  auto all = playlists.playlists_of(account.id);
  if (!all) return all.error();
  std::vector<BatchEntryPlan> entries;
  for (const auto& id : done) {
    auto version = batch_version(journal, account.id, id, batch.job.id);
    if (!version) return version.error();
    if (!*version) continue;
    const StoredPlaylist* playlist = find_stored(*all, id);
    if (playlist == nullptr) {
      const auto result = std::find_if(batch.items.begin(), batch.items.end(),
                                       [&](const JobItemResult& item) { return item.key == id; });
      BatchEntryPlan gone{.playlist_id = id, .name = result->label, .status = EntryStatus::Refused};
      gone.reason = "no longer stored (deleted or unfollowed): nothing to undo";
      gone.undo_version = *version;
      entries.push_back(std::move(gone));
      continue;
    }
    auto entry = plan_undo_entry(playlists, journal, account, *playlist, **version);
    if (!entry) return entry.error();
    entries.push_back(std::move(*entry));
  }
  return BatchProposal{plan_of(std::move(entries), options),
                       "undo of batch " + std::to_string(batch.job.id)};
}

Result<TrackWhere> where_is_track(PlaylistStore& playlists, PlaylistJournal& journal,
                                  const std::vector<SpotifyAccount>& accounts,
                                  const std::string& uri_or_link) {
  const auto uri = item_uri_from(uri_or_link);
  if (!uri) {
    return invalid("\"" + uri_or_link.substr(0, 200) +
                   "\" is no track or episode: give a spotify:track: URI or an "
                   "open.spotify.com/track link");
  }
  TrackWhere where{.uri = *uri};
  for (const auto& account : accounts) {
    auto all = playlists.playlists_of(account.id);
    if (!all) return all.error();
    std::vector<const StoredPlaylist*> read;
    for (const auto& playlist : *all) {
      if (!playlist.items_snapshot_id.empty()) read.push_back(&playlist);
    }
    std::vector<std::vector<PlaylistItem>> items;
    auto targets = load_targets(playlists, account.id, read, items);
    if (!targets) return targets.error();
    for (std::size_t i = 0; i < items.size() && !where.track; ++i) {
      for (const auto& item : items[i]) {
        if (item.uri == *uri && item.track) {
          where.track = item.track;
          break;
        }
      }
    }
    for (auto& placement : where_is(*uri, *targets)) {
      const StoredPlaylist* playlist = find_stored(*all, placement.playlist_id);
      auto since = in_history_since(journal, account.id, placement.playlist_id, *uri);
      if (!since) return since.error();
      where.playlists.push_back(TrackWhereRow{.account_id = account.id,
                                              .playlist_id = placement.playlist_id,
                                              .name = playlist->summary.name,
                                              .positions = std::move(placement.positions),
                                              .added_at = placement.added_at,
                                              .in_history_since = *since});
    }
  }
  return where;
}

Result<DuplicateReport> find_batch_duplicates(PlaylistStore& playlists,
                                              const SpotifyAccount& account,
                                              const BatchSelection& selection) {
  auto all = playlists.playlists_of(account.id);
  if (!all) return all.error();
  auto chosen = selected(selection, *all, account);
  if (!chosen) return chosen.error();
  std::vector<std::vector<PlaylistItem>> items;
  auto targets = load_targets(playlists, account.id, *chosen, items);
  if (!targets) return targets.error();
  return find_duplicates(*targets);
}

}  // namespace plm::core
