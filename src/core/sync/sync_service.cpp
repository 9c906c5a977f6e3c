#include "core/sync/sync_service.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "core/sync/in_flight.hpp"
#include "core/sync/sync_plan.hpp"

namespace plm::core {

namespace {

bool stops_the_sync(const Error& error) {
  return error.code == ErrorCode::NeedsReauth || error.code == ErrorCode::RateLimited ||
         error.code == ErrorCode::QuotaExceeded;
}

Error stopped_error() {
  return make_error(ErrorCode::Unavailable, "sync stopped before it finished");
}

Error untrusted_listing_error() {
  return make_error(ErrorCode::Conflict,
                    "the playlist list kept changing while it was read; playlists gone from it "
                    "are removed by the next sync");
}

NewRecordedVersion found_by_sync(const SpotifyAccount& account, const PlaylistSummary& summary,
                                 const std::string& snapshot_id,
                                 const std::vector<PlaylistItem>& items, bool seen_before) {
  return {account.id,
          summary.id,
          snapshot_id,
          details_of(summary),
          version_items(items),
          {.kind = VersionCauseKind::Sync,
           .why = std::string(seen_before ? kChangedOutside : kFirstSeen)}};
}

}  // namespace

Status SyncService::record_and_save(const SpotifyAccount& account, std::int64_t list_position,
                                    const PlaylistSummary& summary,
                                    const std::vector<PlaylistItem>& items, bool seen_before) {
  if (auto recorded = journal_.record_version(
          found_by_sync(account, summary, summary.snapshot_id, items, seen_before));
      !recorded) {
    return recorded.error();
  }
  return store_.save_playlist(account.id, list_position, summary, items);
}

Status SyncService::record_stored(const SpotifyAccount& account, const StoredPlaylist& stored) {
  auto items = store_.playlist_items(account.id, stored.summary.id);
  if (!items) return items.error();
  auto recorded = journal_.record_version(
      found_by_sync(account, stored.summary, stored.items_snapshot_id, *items, false));
  if (!recorded) return recorded.error();
  return ok();
}

ApiCounters SyncService::counters_since(const ApiCounters& start) const {
  const ApiCounters now = spotify_.counters();
  return ApiCounters{now.calls - start.calls,
                     now.retries - start.retries,
                     now.rate_limited - start.rate_limited,
                     now.paced_waits - start.paced_waits,
                     now.waited_ms - start.waited_ms,
                     now.check_reads - start.check_reads};
}

Result<PlaylistListing> SyncService::list_once(std::stop_token stop) {
  PlaylistListing listing;
  std::unordered_set<std::string> listed;
  std::optional<std::int64_t> total;
  for (std::int64_t offset = 0;;) {
    if (stop.stop_requested()) return stopped_error();
    auto page = spotify_.my_playlists(offset, SpotifyApi::kMaxPlaylistsPage);
    ++listing.pages;
    if (!page) return page.error();
    // A different total between pages means the list changed under us.
    if (total && *total != page->total) listing.consistent = false;
    if (!total) total = page->total;
    const auto count = static_cast<std::int64_t>(page->items.size());
    for (auto& summary : page->items) {
      // Listed twice: rows moved down between pages (a playlist followed at the top). Kept once,
      // first place wins.
      if (listed.insert(summary.id).second) {
        listing.playlists.push_back(std::move(summary));
      } else {
        listing.consistent = false;
      }
    }
    // next_offset counts null entries a parser dropped, so rows are neither skipped nor re-read.
    const std::int64_t next = page->next_offset > offset ? page->next_offset : offset + count;
    if (!page->has_next || next <= offset) {
      // The pages must cover exactly the total: fewer rows means some slid past us.
      if (next != *total) listing.consistent = false;
      break;
    }
    // Never loop on a server that keeps saying "more" without reaching its own total.
    if (listing.pages > *total / SpotifyApi::kMaxPlaylistsPage + 2) {
      listing.consistent = false;
      break;
    }
    offset = next;
  }
  return listing;
}

Result<PlaylistListing> SyncService::list_playlists(std::stop_token stop) {
  auto first = list_once(stop);
  if (!first || first->consistent) return first;
  return list_once(stop);  // once more from the start; still inconsistent: nothing is removed
}

Result<std::vector<PlaylistItem>> SyncService::read_all_items(
    const PlaylistSummary& summary, std::stop_token stop,
    const std::function<void(std::int64_t read, std::int64_t total)>& on_page) {
  // Spotify's totals are trusted for planning only: never for an allocation size.
  constexpr std::int64_t kReserveCap = 10'000;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<PlaylistItem> items;
    items.reserve(
        static_cast<std::size_t>(std::clamp<std::int64_t>(summary.item_count, 0, kReserveCap)));
    std::optional<std::int64_t> total;
    bool changed_while_paging = false;
    std::int64_t offset = 0;
    for (std::int64_t pages = 0;; ++pages) {
      // A 10,000-item playlist takes 200 calls: a stop does not wait for them.
      if (pages > 0 && stop.stop_requested()) return stopped_error();
      auto page = spotify_.playlist_items(summary.id, offset, SpotifyApi::kMaxItemsPage);
      if (!page) return page.error();
      // A different total between pages means the playlist changed under us: the pages would not
      // fit together, so read it again from the start (once; after that, the next sync fixes it).
      if (total && *total != page->total) {
        changed_while_paging = true;
        break;
      }
      total = page->total;
      const auto count = static_cast<std::int64_t>(page->items.size());
      for (auto& item : page->items) items.push_back(std::move(item));
      if (on_page) on_page(static_cast<std::int64_t>(items.size()), *total);
      const std::int64_t next = page->next_offset > offset ? page->next_offset : offset + count;
      // Stop on the last page, and never loop on a server that keeps saying "more" without
      // moving forward or past its own total.
      if (!page->has_next || next <= offset || next >= *total + SpotifyApi::kMaxItemsPage ||
          pages > *total / SpotifyApi::kMaxItemsPage + 2) {
        break;
      }
      offset = next;
    }
    if (changed_while_paging) continue;
    // A list shorter or longer than Spotify's own total would be stored under a snapshot that later
    // syncs trust as complete: refuse it, so the next sync reads the playlist again.
    if (total && static_cast<std::int64_t>(items.size()) != *total) {
      return make_error(ErrorCode::BadResponse,
                        "playlist " + summary.id + " returned " + std::to_string(items.size()) +
                            " items but reported " + std::to_string(*total));
    }
    return items;
  }
  return make_error(ErrorCode::Conflict,
                    "playlist " + summary.id + " kept changing while it was read");
}

Status SyncService::remove_gone_playlists(const SpotifyAccount& account,
                                          const PlaylistListing& listing,
                                          const std::vector<StoredPlaylist>& stored,
                                          const SyncOptions& options, SyncReport& report) {
  std::unordered_set<std::string> keep;
  for (const auto& summary : listing.playlists) keep.insert(summary.id);
  const bool anything_gone = std::any_of(stored.begin(), stored.end(), [&](const auto& playlist) {
    return !keep.count(playlist.summary.id);
  });
  if (!anything_gone) return ok();
  if (!listing.consistent) {
    report.removals_skipped = untrusted_listing_error();
    return ok();
  }
  // Removing loses tags for good: only what a second listing, made now, lacks too.
  auto confirmation = list_playlists(options.stop);
  if (!confirmation || !confirmation->consistent) {
    if (options.stop.stop_requested()) {
      report.stopped_by = stopped_error();
    } else {
      report.removals_skipped = confirmation ? untrusted_listing_error() : confirmation.error();
    }
    return ok();
  }
  for (const auto& summary : confirmation->playlists) keep.insert(summary.id);
  if (auto removed = store_.remove_playlists_except(
          account.id, std::vector<std::string>(keep.begin(), keep.end()));
      !removed) {
    return removed.error();
  }
  for (const auto& playlist : stored) {
    if (keep.count(playlist.summary.id)) continue;
    ++report.removed;
    if (options.on_playlist) {
      options.on_playlist(PlaylistOutcome{PlaylistOutcome::Kind::Removed, playlist.summary.id,
                                          playlist.summary.name, 0, std::nullopt});
    }
  }
  return ok();
}

Result<SyncReport> SyncService::sync_account(const SpotifyAccount& account,
                                             const ProgressCallback& progress,
                                             std::stop_token stop) {
  return sync_account(account, SyncOptions{.progress = progress, .stop = stop});
}

Result<SyncReport> SyncService::sync_account(const SpotifyAccount& account,
                                             const SyncOptions& options) {
  const ApiCounters start = spotify_.counters();
  const std::stop_token& stop = options.stop;
  SyncProgress state;
  auto report_progress = [&] {
    if (!options.progress) return;
    state.counters = counters_since(start);
    options.progress(state);
  };
  auto tell = [&](PlaylistOutcome::Kind kind, const PlaylistSummary& summary, std::int64_t items,
                  std::optional<Error> error = std::nullopt) {
    if (options.on_playlist)
      options.on_playlist(PlaylistOutcome{kind, summary.id, summary.name, items, std::move(error)});
  };
  if (options.listing) state.phase = SyncProgress::Phase::Reading;  // nothing to list
  SyncReport report;
  auto stopped = [&] {
    report.stopped_by = stopped_error();
    report.counters = counters_since(start);
    return report;
  };
  report_progress();

  // 1. List every playlist: ceil(P/50) calls (none when resuming from a saved listing).
  PlaylistListing listing;
  if (options.listing) {
    listing = *options.listing;
  } else {
    auto listed = list_playlists(stop);
    if (!listed) {
      if (stop.stop_requested()) return stopped();
      return listed.error();
    }
    listing = std::move(*listed);
    if (options.on_listed) options.on_listed(listing);
  }

  // 2. Decide, purely, what to read.
  auto stored = store_.playlists_of(account.id);
  if (!stored) return stored.error();
  auto journaled = journal_.latest_sequences(account.id);
  if (!journaled) return journaled.error();
  const auto seen_before = [&](const std::string& playlist_id) {
    return journaled->contains(playlist_id);
  };
  const SyncPlan plan =
      plan_sync(account.spotify_user_id, listing.playlists, *stored, SpotifyApi::kMaxItemsPage);

  report.playlists_total = static_cast<std::int64_t>(listing.playlists.size());
  report.planned_calls = listing.pages + plan.item_page_calls;
  state.phase = SyncProgress::Phase::Reading;
  state.playlists_total = report.playlists_total;
  report_progress();

  // 3. Metadata-only and empty playlists cost no call.
  for (const auto& step : plan.summary_only) {
    if (auto saved = store_.save_playlist_summary(account.id, step.list_position, step.summary);
        !saved) {
      return saved.error();
    }
    const bool readable = can_read_items(step.summary, account.spotify_user_id);
    if (readable && !seen_before(step.summary.id)) {
      const auto held = std::find_if(stored->begin(), stored->end(), [&](const StoredPlaylist& p) {
        return p.summary.id == step.summary.id && !p.items_snapshot_id.empty();
      });
      if (held != stored->end()) {
        if (auto recorded = record_stored(account, *held); !recorded) return recorded.error();
      }
    }
    ++(readable ? report.unchanged : report.unreadable);
    tell(readable ? PlaylistOutcome::Kind::Unchanged : PlaylistOutcome::Kind::Unreadable,
         step.summary, step.summary.item_count);
    ++state.playlists_done;
  }
  for (const auto& step : plan.save_empty) {
    if (auto saved = record_and_save(account, step.list_position, step.summary, {},
                                     seen_before(step.summary.id));
        !saved) {
      return saved.error();
    }
    ++report.read;
    tell(PlaylistOutcome::Kind::Read, step.summary, 0);
    ++state.playlists_done;
  }
  report_progress();

  // 4. Changed playlists: every page of items, then one transaction each. Up to
  // options.in_flight playlists are read at once (each one's pages in order); what they read is
  // saved here, on this thread, one playlist at a time, as each read ends.
  const auto& steps = plan.read_items;
  std::map<std::size_t, std::pair<std::int64_t, std::int64_t>> reading;  // step: items read, total
  const auto show_reading = [&] {
    if (reading.empty()) {
      state.current_playlist.clear();
      state.items_read = state.items_total = 0;
      return;
    }
    // The playlist read longest (the first started) stands for them all: big ones dominate.
    const auto& [step, read] = *reading.begin();
    state.current_playlist = steps[step].summary.name;
    state.items_read = read.first;
    state.items_total = read.second;
  };
  std::optional<Error> fatal;  // the store is down: nothing more is saved
  // A read that ends after the sync began to stop may have been cut short: it is neither saved
  // nor reported, and the next run reads it again.
  const auto stopping = [&] { return stop.stop_requested() || report.stopped_by || fatal; };
  const std::size_t started = run_in_flight(InFlightTasks<Result<std::vector<PlaylistItem>>>{
      .count = steps.size(),
      .in_flight = std::clamp(options.in_flight, 1, kMaxSyncInFlight),
      .stop = stop,
      .run = [&](std::size_t index, std::stop_token step_stop,
                 const TaskProgress& progress) -> Result<std::vector<PlaylistItem>> {
        if (step_stop.stop_requested()) return stopped_error();
        progress(0, steps[index].summary.item_count);
        return read_all_items(steps[index].summary, step_stop, progress);
      },
      .on_progress =
          [&](std::size_t index, std::int64_t read, std::int64_t total) {
            reading[index] = {read, total};
            show_reading();
            report_progress();
          },
      .on_done = [&](std::size_t index, Result<std::vector<PlaylistItem>> items) -> bool {
        reading.erase(index);
        show_reading();
        const SyncPlan::Step& step = steps[index];
        if (fatal || (!items && stopping())) {
          if (!report.stopped_by && !fatal) report.stopped_by = stopped_error();
          return false;
        }
        if (!items) {
          report.failures.push_back({step.summary.id, step.summary.name, items.error()});
          tell(PlaylistOutcome::Kind::Failed, step.summary, 0, items.error());
          if (stops_the_sync(items.error())) {
            report.stopped_by = items.error();
            return false;
          }
          return true;
        }
        PlaylistSummary summary = step.summary;
        summary.item_count = static_cast<std::int64_t>(items->size());
        if (auto saved = record_and_save(account, step.list_position, summary, *items,
                                         seen_before(summary.id));
            !saved) {
          // Data the store refuses (a constraint) concerns this playlist only; a database that is
          // down concerns everything.
          if (saved.error().code == ErrorCode::Internal) {
            fatal = saved.error();
            return false;
          }
          report.failures.push_back({step.summary.id, step.summary.name, saved.error()});
          tell(PlaylistOutcome::Kind::Failed, step.summary, 0, saved.error());
          return true;
        }
        ++report.read;
        tell(PlaylistOutcome::Kind::Read, summary, summary.item_count);
        ++state.playlists_done;
        return true;
      }});
  if (fatal) return *fatal;
  // Playlists never started: the stop came first.
  if (started < steps.size() && !report.stopped_by) report.stopped_by = stopped_error();
  state.current_playlist.clear();
  state.items_read = state.items_total = 0;

  // 5. Playlists gone from Spotify (deleted, unfollowed) go from the store too, by the removal
  // policy; then the account counts as synced.
  if (!report.stopped_by) {
    if (auto removed = remove_gone_playlists(account, listing, *stored, options, report); !removed)
      return removed.error();
  }
  if (!report.stopped_by) {
    if (auto marked = store_.mark_synced(account.id, clock_.now()); !marked) return marked.error();
  }

  report.counters = counters_since(start);
  state.phase = SyncProgress::Phase::Done;
  report_progress();
  return report;
}

Result<SyncReport> SyncService::sync_playlist(const SpotifyAccount& account,
                                              const std::string& playlist_id,
                                              const ProgressCallback& progress,
                                              std::stop_token stop) {
  const ApiCounters start = spotify_.counters();
  SyncProgress state;
  state.playlists_total = 1;
  auto report_progress = [&] {
    if (!progress) return;
    state.counters = counters_since(start);
    progress(state);
  };
  // The list position is the playlist's index in the stored list (kept in Spotify's order).
  auto stored = store_.playlists_of(account.id);
  if (!stored) return stored.error();
  const auto found = std::find_if(stored->begin(), stored->end(), [&](const StoredPlaylist& p) {
    return p.summary.id == playlist_id;
  });
  if (found == stored->end()) {
    return make_error(
        ErrorCode::NotFound,
        "playlist " + playlist_id + " is not stored for account " + std::to_string(account.id));
  }
  const auto list_position = static_cast<std::int64_t>(found - stored->begin());
  state.current_playlist = found->summary.name;
  report_progress();

  auto summary = spotify_.playlist(playlist_id);
  if (!summary) return summary.error();
  SyncReport report;
  report.playlists_total = 1;
  state.phase = SyncProgress::Phase::Reading;
  state.current_playlist = summary->name;
  const bool readable = can_read_items(*summary, account.spotify_user_id);
  const bool unchanged =
      !found->items_snapshot_id.empty() && found->items_snapshot_id == summary->snapshot_id;
  report.planned_calls =
      1 + (readable && !unchanged ? pages_for(summary->item_count, SpotifyApi::kMaxItemsPage) : 0);
  report_progress();
  auto journaled = journal_.latest_sequences(account.id);
  if (!journaled) return journaled.error();
  const bool seen_before = journaled->contains(playlist_id);
  if (!readable || unchanged) {
    if (auto saved = store_.save_playlist_summary(account.id, list_position, *summary); !saved)
      return saved.error();
    if (readable && !seen_before) {
      if (auto recorded = record_stored(account, *found); !recorded) return recorded.error();
    }
    ++(readable ? report.unchanged : report.unreadable);
  } else {
    std::vector<PlaylistItem> items;
    if (summary->item_count > 0) {
      state.items_total = summary->item_count;
      report_progress();
      auto read = read_all_items(*summary, stop, [&](std::int64_t read_so_far, std::int64_t total) {
        state.items_read = read_so_far;
        state.items_total = total;
        report_progress();
      });
      if (!read) return read.error();
      items = std::move(*read);
    }
    PlaylistSummary saved_summary = *summary;
    saved_summary.item_count = static_cast<std::int64_t>(items.size());
    if (auto saved = record_and_save(account, list_position, saved_summary, items, seen_before);
        !saved) {
      return saved.error();
    }
    ++report.read;
  }
  report.counters = counters_since(start);
  state.playlists_done = 1;
  state.current_playlist.clear();
  state.items_read = state.items_total = 0;
  state.phase = SyncProgress::Phase::Done;
  report_progress();
  return report;
}

}  // namespace plm::core
