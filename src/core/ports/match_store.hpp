#pragma once
/// Storage for paste-to-add (issue 11): pastes and their lines' results (the web's asynchronous
/// matching), a person's remembered choices, the cache of Spotify lookups, and the tracks plm
/// already knows. Implemented in SQL for SQLite and PostgreSQL (migration 0008_matching) and in
/// memory (test_support::InMemoryStore); one contract suite (tests/contract/). Same conventions as
/// core/ports/store.hpp (a transaction per method, times to the second; text a database cannot
/// keep is refused as InvalidInput by every implementation alike, see the checks below; a
/// reference to a missing user or account is NotFound).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/matching/line_match.hpp"
#include "core/model/playlist.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace plm::core {

struct StoredPaste {
  std::int64_t id = 0;
  std::int64_t owner_user_id = 0;
  std::int64_t account_id = 0;
  TimePoint created_at{};
  std::optional<std::int64_t> job_id;  ///< the match_paste job, once enqueued
  std::size_t line_count = 0;

  bool operator==(const StoredPaste&) const = default;
};

/// A person's decision on a line ("none" until one is made).
enum class LineDecision {
  None,      ///< "none": the matcher's result stands
  Accepted,  ///< "accepted": the match (or one of its candidates) confirmed
  Picked,    ///< "picked": another track, chosen by hand
  Skipped,   ///< "skipped": leave the line out
};
std::string_view to_string(LineDecision decision);
std::optional<LineDecision> line_decision_from_string(std::string_view text);

struct PasteLineRow {
  LineMatch match;  ///< the matcher's result (after a decision: uri/track the chosen track)
  LineDecision decision = LineDecision::None;
  std::int64_t seq = 0;  ///< grows with every change of any line of any paste (since-polling)

  bool operator==(const PasteLineRow&) const = default;
};

/// The checks every MatchStore makes before storing (InvalidInput naming the problem), so the
/// databases and the in-memory fake agree. Pasted lines keep their tabs (spreadsheet rows):
/// is_clean_pasted_text is is_clean_text (core/model/text.hpp) with tabs allowed.
bool is_clean_pasted_text(std::string_view text);
/// At most kMaxPastedLines inputs, each is_clean_pasted_text (the web cleans what it stores).
Status check_paste_inputs(const std::vector<std::string>& inputs);
/// A number from 1, and a uri and reason of clean text.
Status check_line_result(const LineMatch& result);
/// A non-empty uri of clean text (the rest of a track is kept as JSON, where anything goes).
Status check_chosen_track(const TrackInfo& track);
/// True for Accepted and Picked: the decisions that set the line's track.
bool takes_a_track(LineDecision decision);
/// Before a decision is stored: Picked needs `chosen`; a `chosen` track of Accepted or Picked
/// passes check_chosen_track (it is ignored for the other decisions).
Status check_decision(LineDecision decision, const std::optional<TrackInfo>& chosen);
/// A choice or lookup key: non-empty and is_clean_pasted_text; `what` names it in the message.
Status check_match_key(std::string_view what, std::string_view key);

class MatchStore {
 public:
  virtual ~MatchStore() = default;

  // ---- Pastes ----
  /// Stores a paste with one Pending line per input (numbers 1..n, inputs as given), all with one
  /// new seq. InvalidInput as check_paste_inputs; NotFound for a missing user or account.
  virtual Result<StoredPaste> create_paste(std::int64_t owner_user_id, std::int64_t account_id,
                                           const std::vector<std::string>& inputs,
                                           TimePoint now) = 0;
  virtual Result<std::optional<StoredPaste>> find_paste(std::int64_t paste_id) = 0;
  /// NotFound when the paste does not exist.
  virtual Status set_paste_job(std::int64_t paste_id, std::int64_t job_id) = 0;
  /// The lines whose seq is above `since` (0: all), by number. NotFound when the paste does not
  /// exist. A client that polls with the highest seq it has read misses no change.
  virtual Result<std::vector<PasteLineRow>> paste_lines(std::int64_t paste_id,
                                                        std::int64_t since = 0) = 0;
  /// The matcher's results for some lines (by match.number; match.input is ignored: a line's
  /// input never changes); each line whose result differs from the stored one gets a new seq, an
  /// identical result (a resumed job saving again) changes nothing. A line a person already
  /// decided keeps its decision and chosen track. NotFound when the paste or a line does not
  /// exist (nothing is saved then); InvalidInput as check_line_result.
  virtual Status save_line_results(std::int64_t paste_id,
                                   const std::vector<LineMatch>& results) = 0;
  /// A person's decision: `chosen` is the track for Accepted/Picked (its uri and data become the
  /// line's), ignored otherwise; None clears an earlier decision (the matcher's result again).
  /// Accepted without `chosen` takes the line's current match (InvalidInput when it has none);
  /// Picked needs `chosen` (InvalidInput). Every decision gives the line a new seq. Returns the
  /// line as it is now. NotFound when the paste or line does not exist; InvalidInput as
  /// check_chosen_track.
  virtual Result<PasteLineRow> decide_line(std::int64_t paste_id, std::size_t number,
                                           LineDecision decision,
                                           const std::optional<TrackInfo>& chosen) = 0;
  /// Deletes a paste and its lines (NotFound if absent).
  virtual Status delete_paste(std::int64_t paste_id) = 0;

  // ---- Remembered choices (per user, by choice_key of the line) ----
  /// nullopt for a key never remembered (or one no store could hold).
  virtual Result<std::optional<TrackInfo>> remembered_choice(std::int64_t user_id,
                                                             const std::string& key) = 0;
  /// Replaces an earlier choice under the same key. InvalidInput as check_match_key and
  /// check_chosen_track; NotFound for a missing user.
  virtual Status remember_choice(std::int64_t user_id, const std::string& key,
                                 const TrackInfo& track, TimePoint now) = 0;
  /// OK when nothing was remembered.
  virtual Status forget_choice(std::int64_t user_id, const std::string& key) = 0;

  // ---- Lookup cache (lookup_key -> the tracks Spotify answered) ----
  /// The answer stored for `key` at or after `not_before` (both to the second), if any. The
  /// cache is shared by every user and account: Spotify's catalog answers all alike.
  virtual Result<std::optional<std::vector<TrackInfo>>> cached_lookup(const std::string& key,
                                                                      TimePoint not_before) = 0;
  /// Replaces an earlier answer for `key`. InvalidInput as check_match_key.
  virtual Status cache_lookup(const std::string& key, const std::vector<TrackInfo>& tracks,
                              TimePoint now) = 0;
  /// Drops answers stored before `before` (housekeeping; returns how many).
  virtual Result<std::int64_t> prune_lookups(TimePoint before) = 0;

  // ---- Known tracks ----
  /// Every distinct track in the account's stored playlists (catalog data as stored), for
  /// zero-call matching: spotify:track: URIs only (local files and episodes are no catalog
  /// tracks), by URI.
  virtual Result<std::vector<TrackInfo>> known_tracks(std::int64_t account_id) = 0;
};

}  // namespace plm::core
