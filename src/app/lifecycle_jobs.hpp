#pragma once
/// Creating, copying, merging, splitting and deleting (unfollowing) playlists as durable jobs
/// (issue 9 §4, §5): the create_playlist, split_playlist and delete_playlist handlers and the jobs
/// that ask for them. What is created is decided before the job is enqueued
/// (core::PlaylistCreation, core/edit/playlist_lifecycle.hpp) and travels in its payload.
///
/// Each new playlist goes through these steps, each saved in the job's checkpoint as soon as it is
/// done, so a job resumed after a crash, a shutdown or a retry never creates a playlist twice and
/// never adds a track twice:
/// 1. "creating" is saved, then SpotifyApi::create_playlist is sent once. Spotify's create is not
///    idempotent and the client never repeats it: an Unknown outcome (and a resumed job that finds
///    "creating") is settled by listing the account's first playlist pages for a playlist of that
///    name, owned by the account, still empty, and not stored by plm nor made by an earlier part:
///    found, it is adopted; not found, the job fails (Conflict) without creating again.
/// 2. The new id and first snapshot are saved at once, then the items are appended with
///    core::run_write_sequence (always_confirm: the snapshot is checked before the first append;
///    settle_reads 4 with the injected wait between them, because Spotify's reads lag its writes).
///    A resumed job that finds "adding" reads the playlist first: what is there must be the start
///    of the list (it is appended after it), anything else is a Conflict.
/// 3. The playlist and its items are stored (no read back: the catalog data comes from the
///    sources' stored items; only a playlist made from URIs plm holds no data for is read back
///    once) and a journal version is recorded (cause Edit, action create, copy,
///    merge or split, who, origin, job id); the part's JobItemResult says what was created.
/// A delete unfollows (idempotent on Spotify) and removes the playlist from the store; the journal
/// keeps its versions.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/worker.hpp"
#include "core/edit/playlist_lifecycle.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/playlist_journal.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/ports/store.hpp"

namespace plm::app {

struct LifecycleJobDeps {
  core::AccountStore& accounts;
  core::PlaylistStore& playlists;
  core::PlaylistJournal& journal;
  const core::Clock& clock;
  /// The Spotify client for an account (Services::spotify_for).
  std::function<std::shared_ptr<core::SpotifyApi>(const core::SpotifyAccount&)> spotify_for;
  /// Waits before each read that settles a write whose answer was lost, so that Spotify's reads
  /// can catch up with its writes (kSettleWait in plm serve; tests move a clock).
  std::function<void()> wait_for_reads;
};

/// Reads that settle an unknown append (WriteSequenceOptions::settle_reads), each after
/// LifecycleJobDeps::wait_for_reads: about kSettleReads × kSettleWait for Spotify to catch up.
inline constexpr int kSettleReads = 4;
inline constexpr std::chrono::milliseconds kSettleWait{1000};
/// Pages of the account's playlist list read to find a playlist whose creation was not answered
/// (Spotify lists new playlists first).
inline constexpr int kCreateSettlePages = 2;

/// Adds the create_playlist, split_playlist and delete_playlist handlers to the worker's table.
/// What `deps` refers to must outlive the worker.
void add_lifecycle_handlers(JobHandlers& handlers, const LifecycleJobDeps& deps);

/// The job that makes `creation` (create_playlist, or split_playlist for a split). It holds the
/// account's key: a sync of the account listed before the playlist existed would remove it again.
core::NewJob creation_job(std::int64_t owner_user_id, std::int64_t account_id,
                          const core::PlaylistCreation& creation);
/// The job that unfollows one playlist; unique while active (asking twice is one delete).
core::NewJob delete_playlist_job(std::int64_t owner_user_id, std::int64_t account_id,
                                 const std::string& playlist_id);

/// The payload of a creation job (JSON), and back (nullopt for one this version did not write).
std::string encode_creation(const core::PlaylistCreation& creation);
std::optional<core::PlaylistCreation> decode_creation(const std::string& payload);

}  // namespace plm::app
