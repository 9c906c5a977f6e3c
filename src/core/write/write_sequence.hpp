#pragma once
/// The writes of one edit of one playlist, sent in order over the SpotifyApi port with the
/// optimistic check Spotify does not make: Spotify merges concurrent changes instead of refusing a
/// stale snapshot_id (spotify-api.md §2.14), so the caller must own the check.
///
/// The sequence carries the snapshot and the items its steps were planned against and models
/// every step on them (core/write/playlist_edits.hpp), so it
/// - validates every step against the plan before sending anything (a bad fifth step never leaves
///   four applied ones behind);
/// - confirms the planned snapshot with one version read before its first write when any step
///   depends on the playlist's content: adds at a position, reorders, removals and replaces
///   (appends and detail or cover changes need no confirmation). The read comes before the first
///   write, not just before the first positional one, because a write's returned snapshot cannot
///   tell whether the playlist had changed before it;
/// - chains the snapshot each write returns;
/// - settles an Unknown outcome with reads before repeating anything: version reads first (the
///   snapshot is still the one before the write in `settle_reads` reads in a row: not applied, so
///   it is sent again, at most `max_repeats` times); a moved snapshot is taken as the write's own
///   only if the item count and the items it touched are what the write would have made (an add's
///   slice, a reorder's window, a replace's items; a removal is judged by its count), else the
///   sequence stops with Conflict. A read showing a snapshot the sequence already moved past
///   (an earlier write's) lags for certain: it is read again, and stops the sequence as Unknown if
///   the reads never catch up. Within `settle_reads`, a moved snapshot whose items do not fit is
///   read again too before it counts as a Conflict: a lagging read may show a version between the
///   chain and the write that the sequence never saw (each attempt of a removal the client
///   repeated makes one);
/// - splits adds and removals over 100 items into chunks and composes long replacements (a PUT of
///   the first 100, then appends);
/// - stops at the first write that was not applied or could not be settled, and on any mismatch
///   with ErrorCode::Conflict naming both snapshots: the edit engine re-plans then.
///
/// Detail and cover changes move the snapshot without returning it (§2.8, §2.12), which would
/// break the chain, and touch nothing positional: the sequence sends them after the item writes.
/// An Unknown cover upload is not settled (Spotify processes covers asynchronously, so no read can
/// tell) and stops the sequence; being idempotent, it is safe to send again later.
///
/// Every read the sequence makes is counted as a check read and reported, per step, with the
/// writes it sent.
///
/// Lagging reads (§2.14; the emulator's `stale_read_ms`/`stale_reads`): after a write, Spotify's
/// reads may still show the version before it for a while. A read that still shows the old
/// snapshot after an applied write would have the sequence send the write again — an add twice.
/// So "not applied" is concluded only after `settle_reads` reads, each after `before_settling`
/// (where the caller waits, e.g. a second), all showed the old snapshot: the reads had the time
/// `settle_reads` × that wait to catch up. The trade-off: more reads from the rate budget and a
/// longer wait for every write whose answer was lost, against a duplicate when the lag is longer
/// than the window (no number of reads can rule that out; a write that really was not applied
/// costs the whole window before it is repeated). The default (one read, no wait) trusts the first
/// read: right for a service that does not lag, not for Spotify. A moved snapshot needs no wait:
/// it is checked as above at once. Lagging reads cannot be told from a playlist that is still as
/// planned either: a plan made from a lagging read is confirmed by an equally lagging read, so
/// plans should be made from reads taken once the lag has passed (the sync's next run at worst).
///
/// Pure orchestration over the port (std only); one sequence at a time per playlist (the job
/// queue's concurrency key sees to it).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::core {

/// One write of a sequence, of any length (chunks are the sequence's business).
struct WriteStep {
  enum class Kind { Add, Remove, Reorder, Replace, ChangeDetails, UploadCover };

  Kind kind = Kind::Add;
  std::vector<std::string> uris;         ///< Add, Remove, Replace
  std::optional<std::int64_t> position;  ///< Add: where the first goes; nullopt appends
  std::int64_t range_start = 0;          ///< Reorder, indices before the move (as Spotify's)
  std::int64_t insert_before = 0;
  std::int64_t range_length = 1;
  PlaylistDetailsChange details;  ///< ChangeDetails
  std::string jpeg;               ///< UploadCover: the JPEG's bytes

  static WriteStep add(std::vector<std::string> uris,
                       std::optional<std::int64_t> position = std::nullopt);
  static WriteStep remove(std::vector<std::string> uris);
  static WriteStep reorder(std::int64_t range_start, std::int64_t insert_before,
                           std::int64_t range_length = 1);
  static WriteStep replace(std::vector<std::string> uris);
  static WriteStep change_details(PlaylistDetailsChange change);
  static WriteStep upload_cover(std::string jpeg);
};

std::string_view to_string(WriteStep::Kind kind);

/// What a sequence was planned against.
struct PlannedPlaylist {
  std::string playlist_id;
  /// The snapshot the plan was computed from. Empty: unknown; the sequence then learns it with one
  /// version read (accepted when the item count matches `uris`).
  std::string snapshot_id;
  /// The playlist's items in that snapshot, in order: "spotify:local:…" for local files and ""
  /// for unavailable slots, as PlaylistItem::uri has them.
  std::vector<std::string> uris;
};

struct WriteStepReport;

struct WriteSequenceOptions {
  /// How often a write whose outcome was unknown, and which a read showed was not applied, is
  /// sent again before the sequence gives up.
  int max_repeats = 2;
  /// Confirm the planned snapshot even when no step depends on the content (appends, details):
  /// for a job that may be running the same plan a second time after a crash, where an
  /// unconfirmed append would be appended again.
  bool always_confirm = false;
  /// Version reads that must all still show the snapshot from before a write whose outcome was
  /// unknown before it is taken as not applied (see "Lagging reads" above). 1: the first read is
  /// believed. Values below 1 count as 1.
  int settle_reads = 1;
  /// Called before every read that settles an unknown outcome (a job waits there, so that
  /// `settle_reads` reads span the time Spotify's reads take to catch up). Empty: read at once.
  std::function<void()> before_settling;
  /// Called after each step is applied, with its report (the snapshot after it, the calls it
  /// took): a job saves its checkpoint there. Returning false stops the sequence before the next
  /// step (stopped_by: Unavailable, "stopped by the caller"), for a job asked to stop.
  std::function<bool(const WriteStepReport&)> after_step;
};

struct WriteStepReport {
  std::size_t index = 0;  ///< position in the steps given
  WriteStep::Kind kind = WriteStep::Kind::Add;
  /// Applied when every chunk was; otherwise the status of the chunk it stopped at. NotApplied
  /// (without an error) for a step that was never reached.
  WriteStatus status = WriteStatus::NotApplied;
  std::int64_t chunks = 0;          ///< write requests the step needs (adds/removals over 100)
  std::int64_t chunks_applied = 0;  ///< of those, known to be applied
  std::int64_t writes = 0;          ///< write calls sent, repeats included
  std::int64_t check_reads = 0;     ///< reads: the confirmation (on the first step) and settling
  std::string snapshot_id;          ///< the playlist's snapshot after it, when known
  std::optional<Error> error;
};

struct WriteSequenceResult {
  std::vector<WriteStepReport> steps;  ///< in the order they were (or would have been) sent
  /// Port calls the sequence made (`calls`: writes and reads) and, of those, `check_reads`. The
  /// client's own counters hold retries and waits.
  ApiCounters counters;
  /// The playlist's snapshot at the end: empty when unknown (after a detail or cover change, or
  /// when the sequence stopped on an Unknown outcome).
  std::string snapshot_id;
  std::optional<Error> stopped_by;  ///< set when not every step was applied

  bool complete() const { return !stopped_by.has_value(); }
};

WriteSequenceResult run_write_sequence(SpotifyApi& spotify, const PlannedPlaylist& plan,
                                       const std::vector<WriteStep>& steps,
                                       const WriteSequenceOptions& options = {});

}  // namespace plm::core
