#include "sql/match_store.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>
#include <utility>

#include "sql/common.hpp"
#include "sql/transaction_scope.hpp"

namespace plm::sql {
namespace {

using core::ErrorCode;
using nlohmann::json;

// ---- the store's SQL, once for both dialects (placeholders as in src/sql/common.hpp) ----------

#define PLM_SQL_PASTE_COLUMNS "id, owner_user_id, account_id, created_at, job_id, line_count"
constexpr std::string_view kInsertPaste =
    "INSERT INTO pastes (owner_user_id, account_id, created_at, line_count) "
    "VALUES ($1, $2, $3, $4) RETURNING " PLM_SQL_PASTE_COLUMNS;
constexpr std::string_view kFindPaste =
    "SELECT " PLM_SQL_PASTE_COLUMNS " FROM pastes WHERE id = $1";
#undef PLM_SQL_PASTE_COLUMNS
/// Locked with for_update: every change of a paste's lines takes it first (see match_store.hpp).
constexpr std::string_view kPasteLineCount = "SELECT line_count FROM pastes WHERE id = $1";
constexpr std::string_view kSetPasteJob = "UPDATE pastes SET job_id = $1 WHERE id = $2";
/// Its lines go with it (ON DELETE CASCADE).
constexpr std::string_view kDeletePaste = "DELETE FROM pastes WHERE id = $1";

constexpr std::string_view kLineColumns[] = {
    "paste_id", "number",     "input",      "status",       "uri",
    "track",    "confidence", "candidates", "source",       "reason",
    "calls",    "decision",   "chosen_uri", "chosen_track", "seq"};
/// The columns read_line reads, in its order.
#define PLM_SQL_LINE_COLUMNS                                                                     \
  "number, input, status, uri, track, confidence, candidates, source, reason, calls, decision, " \
  "chosen_uri, chosen_track, seq"
constexpr std::string_view kLinesSince = "SELECT " PLM_SQL_LINE_COLUMNS
                                         " FROM paste_lines WHERE paste_id = $1 AND seq > $2 "
                                         "ORDER BY number";
constexpr std::string_view kLine =
    "SELECT " PLM_SQL_LINE_COLUMNS " FROM paste_lines WHERE paste_id = $1 AND number = $2";
#undef PLM_SQL_LINE_COLUMNS
/// The matcher's result of a line, whatever a person decided.
constexpr std::string_view kMatcherTrack =
    "SELECT uri, track FROM paste_lines WHERE paste_id = $1 AND number = $2";
/// A new result, unless it is the one stored (then the line keeps its seq).
constexpr std::string_view kSaveResult =
    "UPDATE paste_lines SET status = $1, uri = $2, track = $3, confidence = $4, candidates = $5, "
    "source = $6, reason = $7, calls = $8, seq = $9 WHERE paste_id = $10 AND number = $11 AND NOT "
    "(status = $1 AND uri IS NOT DISTINCT FROM $2 AND track IS NOT DISTINCT FROM $3 AND "
    "confidence = $4 AND candidates = $5 AND source = $6 AND reason = $7 AND calls = $8)";
constexpr std::string_view kDecide =
    "UPDATE paste_lines SET decision = $1, chosen_uri = $2, chosen_track = $3, seq = $4 "
    "WHERE paste_id = $5 AND number = $6";
/// n new seqs (PostgreSQL: one sequence value per row; SQLite: the counter moved by n).
constexpr std::string_view kPostgresSeqs =
    "SELECT nextval('paste_line_seq') FROM generate_series(1, $1)";
constexpr std::string_view kSqliteSeqs =
    "UPDATE paste_line_seq SET value = value + $1 RETURNING value";

constexpr std::string_view kRememberedChoice =
    "SELECT track FROM match_choices WHERE user_id = $1 AND key = $2";
constexpr std::string_view kRememberChoice =
    "INSERT INTO match_choices (user_id, key, track, chosen_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (user_id, key) DO UPDATE SET track = excluded.track, "
    "chosen_at = excluded.chosen_at";
constexpr std::string_view kForgetChoice =
    "DELETE FROM match_choices WHERE user_id = $1 AND key = $2";

constexpr std::string_view kCachedLookup =
    "SELECT tracks FROM lookup_cache WHERE key = $1 AND fetched_at >= $2";
constexpr std::string_view kCacheLookup =
    "INSERT INTO lookup_cache (key, tracks, fetched_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (key) DO UPDATE SET tracks = excluded.tracks, fetched_at = excluded.fetched_at";
constexpr std::string_view kPruneLookups = "DELETE FROM lookup_cache WHERE fetched_at < $1";

/// The catalog tracks (not local files, not episodes) of the account's stored playlists.
constexpr std::string_view kKnownTracks =
    "SELECT uri, name, artists, album, album_image_url, duration_ms, isrc, explicit, release_date "
    "FROM tracks WHERE uri IN (SELECT track_uri FROM playlist_items WHERE account_id = $1) "
    "AND uri LIKE 'spotify:track:%'";

// ---- JSON: a track as the API's Track (plus isrc and explicit), candidates, lists -------------

json track_json(const core::TrackInfo& track) {
  return json{{"uri", track.uri},
              {"name", track.name},
              {"artists", track.artists},
              {"album", track.album},
              {"album_image_url", track.album_image_url},
              {"duration_ms", track.duration_ms},
              {"release_date", track.release_date},
              {"isrc", track.isrc},
              {"explicit", track.explicit_content}};
}

/// Invalid UTF-8 is replaced rather than thrown on: catalog data is not worth failing a save.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_track(const core::TrackInfo& track) { return dump(track_json(track)); }

std::string encode_tracks(const std::vector<core::TrackInfo>& tracks) {
  json list = json::array();
  for (const auto& track : tracks) list.push_back(track_json(track));
  return dump(list);
}

std::string encode_candidates(const std::vector<core::MatchCandidate>& candidates) {
  json list = json::array();
  for (const auto& candidate : candidates) {
    list.push_back(json{{"track", track_json(candidate.track)}, {"score", candidate.score}});
  }
  return dump(list);
}

template <typename T>
T field(const json& object, const char* name, T fallback) {
  const auto found = object.find(name);
  if (found == object.end()) return fallback;
  try {
    return found->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

/// A field of the wrong type reads as empty: the text was written by this store.
core::TrackInfo track_from(const json& object) {
  if (!object.is_object()) return {};
  return core::TrackInfo{.uri = field<std::string>(object, "uri", ""),
                         .name = field<std::string>(object, "name", ""),
                         .artists = field<std::vector<std::string>>(object, "artists", {}),
                         .album = field<std::string>(object, "album", ""),
                         .album_image_url = field<std::string>(object, "album_image_url", ""),
                         .duration_ms = field<std::int64_t>(object, "duration_ms", 0),
                         .isrc = field<std::string>(object, "isrc", ""),
                         .explicit_content = field<bool>(object, "explicit", false),
                         .release_date = field<std::string>(object, "release_date", "")};
}

json parse(std::string_view text) { return json::parse(text, nullptr, false); }

core::TrackInfo decode_track(std::string_view text) { return track_from(parse(text)); }

std::vector<core::TrackInfo> decode_tracks(std::string_view text) {
  std::vector<core::TrackInfo> tracks;
  const json list = parse(text);
  if (!list.is_array()) return tracks;
  for (const auto& track : list) tracks.push_back(track_from(track));
  return tracks;
}

std::vector<core::MatchCandidate> decode_candidates(std::string_view text) {
  std::vector<core::MatchCandidate> candidates;
  const json list = parse(text);
  if (!list.is_array()) return candidates;
  for (const auto& candidate : list) {
    if (!candidate.is_object()) continue;
    candidates.push_back(
        {track_from(candidate.value("track", json())), field<double>(candidate, "score", 0.0)});
  }
  return candidates;
}

// ---- rows -> core values --------------------------------------------------------------------

core::StoredPaste read_paste(const Row& row) {
  return core::StoredPaste{
      .id = row.int64(0),
      .owner_user_id = row.int64(1),
      .account_id = row.int64(2),
      .created_at = core::from_unix_seconds(row.int64(3)),
      .job_id = row.is_null(4) ? std::nullopt : std::optional<std::int64_t>(row.int64(4)),
      .line_count = static_cast<std::size_t>(row.int64(5))};
}

std::optional<std::string> optional_text(const Row& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return row.text(column);
}

std::optional<core::TrackInfo> optional_track(const Row& row, int column) {
  if (row.is_null(column)) return std::nullopt;
  return decode_track(row.text(column));
}

/// A row of kLine / kLinesSince. A name this version does not know (a newer plm wrote it) reads
/// as the start value.
core::PasteLineRow read_line(const Row& row) {
  core::PasteLineRow line;
  core::LineMatch& match = line.match;
  match.number = static_cast<std::size_t>(row.int64(0));
  match.input = row.text(1);
  match.status = core::match_status_from_string(row.text(2)).value_or(core::MatchStatus::Pending);
  match.uri = optional_text(row, 3);
  match.track = optional_track(row, 4);
  match.confidence = row.real(5);
  match.candidates = decode_candidates(row.text(6));
  match.source = core::match_source_from_string(row.text(7)).value_or(core::MatchSource::None);
  match.reason = row.text(8);
  match.calls = static_cast<int>(row.int64(9));
  line.decision = core::line_decision_from_string(row.text(10)).value_or(core::LineDecision::None);
  if (core::takes_a_track(line.decision)) {
    match.uri = optional_text(row, 11);
    match.track = optional_track(row, 12);
  }
  line.seq = row.int64(13);
  return line;
}

std::string describe_paste(std::int64_t paste_id) { return "paste " + std::to_string(paste_id); }

core::Error paste_not_found(std::int64_t paste_id) {
  return core::make_error(ErrorCode::NotFound, describe_paste(paste_id) + " not found");
}

core::Error line_not_found(std::int64_t paste_id, std::size_t number) {
  return core::make_error(ErrorCode::NotFound, "line " + std::to_string(number) + " of " +
                                                   describe_paste(paste_id) + " not found");
}

/// The paste's line count, its row locked until the transaction ends; nullopt when it is gone.
std::optional<std::int64_t> lock_paste(Connection& db, std::int64_t paste_id) {
  const std::string sql = std::string(kPasteLineCount) + std::string(db.for_update(RowLock::Wait));
  return first_row(db, sql, {paste_id}, [](const Row& row) { return row.int64(0); });
}

/// `count` new seqs, above every seq handed out before, in increasing order.
std::vector<std::int64_t> new_seqs(Connection& db, std::int64_t count) {
  std::vector<std::int64_t> seqs;
  if (count <= 0) return seqs;
  if (db.dialect() == Dialect::Postgres) {
    seqs = all_rows(db, kPostgresSeqs, {count}, [](const Row& row) { return row.int64(0); });
    std::sort(seqs.begin(), seqs.end());
  } else {
    const std::int64_t last =
        *first_row(db, kSqliteSeqs, {count}, [](const Row& row) { return row.int64(0); });
    for (std::int64_t seq = last - count + 1; seq <= last; ++seq) seqs.push_back(seq);
  }
  return seqs;
}

std::int64_t seconds(core::TimePoint time) { return core::to_unix_seconds(time); }

}  // namespace

SqlMatchStore::SqlMatchStore(std::shared_ptr<TransactionScope> scope) : scope_(std::move(scope)) {}

SqlMatchStore::~SqlMatchStore() = default;

// ---- Pastes ----

core::Result<core::StoredPaste> SqlMatchStore::create_paste(std::int64_t owner_user_id,
                                                            std::int64_t account_id,
                                                            const std::vector<std::string>& inputs,
                                                            core::TimePoint now) {
  if (auto checked = core::check_paste_inputs(inputs); !checked) return checked.error();
  return scope_->run(
      "store a paste of account " + std::to_string(account_id), Access::Write,
      [&](Connection& db) -> core::Result<core::StoredPaste> {
        // RETURNING always gives the new row; a missing user or account fails the insert.
        core::StoredPaste paste = *first_row(
            db, kInsertPaste,
            {owner_user_id, account_id, seconds(now), static_cast<std::int64_t>(inputs.size())},
            read_paste);
        if (inputs.empty()) return paste;
        // One seq for all: the lines appear together, in one commit.
        const std::int64_t seq = new_seqs(db, 1).front();
        std::vector<Param> rows;
        rows.reserve(inputs.size() * std::size(kLineColumns));
        for (std::size_t index = 0; index < inputs.size(); ++index) {
          rows.insert(rows.end(),
                      {paste.id, static_cast<std::int64_t>(index + 1), inputs[index],
                       core::to_string(core::MatchStatus::Pending), nullptr, nullptr, 0.0, "[]",
                       core::to_string(core::MatchSource::None), "", 0,
                       core::to_string(core::LineDecision::None), nullptr, nullptr, seq});
        }
        db.write_rows({"paste_lines", kLineColumns, {}}, rows);
        return paste;
      });
}

core::Result<std::optional<core::StoredPaste>> SqlMatchStore::find_paste(std::int64_t paste_id) {
  return scope_->run("find " + describe_paste(paste_id), Access::Read,
                     [&](Connection& db) -> core::Result<std::optional<core::StoredPaste>> {
                       return first_row(db, kFindPaste, {paste_id}, read_paste);
                     });
}

core::Status SqlMatchStore::set_paste_job(std::int64_t paste_id, std::int64_t job_id) {
  return scope_->run("set the job of " + describe_paste(paste_id), Access::Write,
                     [&](Connection& db) -> core::Status {
                       if (db.execute(kSetPasteJob, {job_id, paste_id}) == 0) {
                         return paste_not_found(paste_id);
                       }
                       return core::ok();
                     });
}

core::Result<std::vector<core::PasteLineRow>> SqlMatchStore::paste_lines(std::int64_t paste_id,
                                                                         std::int64_t since) {
  return scope_->run(
      "read the lines of " + describe_paste(paste_id), Access::Read,
      [&](Connection& db) -> core::Result<std::vector<core::PasteLineRow>> {
        if (!first_row(db, kFindPaste, {paste_id}, read_paste)) {
          return paste_not_found(paste_id);
        }
        return all_rows(db, kLinesSince, {paste_id, std::max<std::int64_t>(since, 0)}, read_line);
      });
}

core::Status SqlMatchStore::save_line_results(std::int64_t paste_id,
                                              const std::vector<core::LineMatch>& results) {
  for (const auto& result : results) {
    if (auto checked = core::check_line_result(result); !checked) return checked.error();
  }
  return scope_->run("save line results of " + describe_paste(paste_id), Access::Write,
                     [&](Connection& db) -> core::Status {
                       const auto line_count = lock_paste(db, paste_id);
                       if (!line_count) return paste_not_found(paste_id);
                       for (const auto& result : results) {
                         if (static_cast<std::int64_t>(result.number) > *line_count) {
                           return line_not_found(paste_id, result.number);
                         }
                       }
                       const auto seqs = new_seqs(db, static_cast<std::int64_t>(results.size()));
                       for (std::size_t index = 0; index < results.size(); ++index) {
                         const core::LineMatch& result = results[index];
                         db.execute(
                             kSaveResult,
                             {core::to_string(result.status), result.uri,
                              result.track ? Param(encode_track(*result.track)) : Param(nullptr),
                              result.confidence, encode_candidates(result.candidates),
                              core::to_string(result.source), result.reason,
                              static_cast<std::int64_t>(result.calls), seqs[index], paste_id,
                              static_cast<std::int64_t>(result.number)});
                       }
                       return core::ok();
                     });
}

core::Result<core::PasteLineRow> SqlMatchStore::decide_line(
    std::int64_t paste_id, std::size_t number, core::LineDecision decision,
    const std::optional<core::TrackInfo>& chosen) {
  if (auto checked = core::check_decision(decision, chosen); !checked) return checked.error();
  const bool with_track = core::takes_a_track(decision);
  const auto line = static_cast<std::int64_t>(number);
  return scope_->run(
      "decide line " + std::to_string(number) + " of " + describe_paste(paste_id), Access::Write,
      [&](Connection& db) -> core::Result<core::PasteLineRow> {
        if (!lock_paste(db, paste_id)) return paste_not_found(paste_id);
        const auto matcher = first_row(db, kMatcherTrack, {paste_id, line}, [](const Row& row) {
          return std::pair(optional_text(row, 0), optional_text(row, 1));
        });
        if (!matcher) return line_not_found(paste_id, number);
        std::optional<std::string> chosen_uri;
        std::optional<std::string> chosen_track;
        if (with_track && chosen) {
          chosen_uri = chosen->uri;
          chosen_track = encode_track(*chosen);
        } else if (with_track) {
          if (!matcher->first) {
            return core::make_error(ErrorCode::InvalidInput,
                                    "line " + std::to_string(number) + " has no match to accept");
          }
          std::tie(chosen_uri, chosen_track) = *matcher;
        }
        db.execute(kDecide, {core::to_string(decision), chosen_uri, chosen_track,
                             new_seqs(db, 1).front(), paste_id, line});
        return *first_row(db, kLine, {paste_id, line}, read_line);
      });
}

core::Status SqlMatchStore::delete_paste(std::int64_t paste_id) {
  return scope_->run("delete " + describe_paste(paste_id), Access::Write,
                     [&](Connection& db) -> core::Status {
                       if (db.execute(kDeletePaste, {paste_id}) == 0) {
                         return paste_not_found(paste_id);
                       }
                       return core::ok();
                     });
}

// ---- Remembered choices ----

core::Result<std::optional<core::TrackInfo>> SqlMatchStore::remembered_choice(
    std::int64_t user_id, const std::string& key) {
  // A key no store could hold was never remembered (and PostgreSQL would refuse to compare it).
  if (!core::check_match_key("a choice key", key)) return std::optional<core::TrackInfo>();
  return scope_->run("read a remembered choice", Access::Read,
                     [&](Connection& db) -> core::Result<std::optional<core::TrackInfo>> {
                       return first_row(db, kRememberedChoice, {user_id, key},
                                        [](const Row& row) { return decode_track(row.text(0)); });
                     });
}

core::Status SqlMatchStore::remember_choice(std::int64_t user_id, const std::string& key,
                                            const core::TrackInfo& track, core::TimePoint now) {
  if (auto checked = core::check_match_key("a choice key", key); !checked) return checked;
  if (auto checked = core::check_chosen_track(track); !checked) return checked;
  return scope_->run(
      "remember a choice of user " + std::to_string(user_id), Access::Write,
      [&](Connection& db) -> core::Status {
        db.execute(kRememberChoice, {user_id, key, encode_track(track), seconds(now)});
        return core::ok();
      });
}

core::Status SqlMatchStore::forget_choice(std::int64_t user_id, const std::string& key) {
  if (!core::check_match_key("a choice key", key)) return core::ok();
  return scope_->run("forget a choice of user " + std::to_string(user_id), Access::Write,
                     [&](Connection& db) -> core::Status {
                       db.execute(kForgetChoice, {user_id, key});
                       return core::ok();
                     });
}

// ---- Lookup cache ----

core::Result<std::optional<std::vector<core::TrackInfo>>> SqlMatchStore::cached_lookup(
    const std::string& key, core::TimePoint not_before) {
  using Cached = std::optional<std::vector<core::TrackInfo>>;
  if (!core::check_match_key("a lookup key", key)) return Cached();
  return scope_->run("read a cached lookup", Access::Read,
                     [&](Connection& db) -> core::Result<Cached> {
                       return first_row(db, kCachedLookup, {key, seconds(not_before)},
                                        [](const Row& row) { return decode_tracks(row.text(0)); });
                     });
}

core::Status SqlMatchStore::cache_lookup(const std::string& key,
                                         const std::vector<core::TrackInfo>& tracks,
                                         core::TimePoint now) {
  if (auto checked = core::check_match_key("a lookup key", key); !checked) return checked;
  return scope_->run("cache a lookup", Access::Write, [&](Connection& db) -> core::Status {
    db.execute(kCacheLookup, {key, encode_tracks(tracks), seconds(now)});
    return core::ok();
  });
}

core::Result<std::int64_t> SqlMatchStore::prune_lookups(core::TimePoint before) {
  return scope_->run("prune cached lookups", Access::Write,
                     [&](Connection& db) -> core::Result<std::int64_t> {
                       return db.execute(kPruneLookups, {seconds(before)});
                     });
}

// ---- Known tracks ----

core::Result<std::vector<core::TrackInfo>> SqlMatchStore::known_tracks(std::int64_t account_id) {
  return scope_->run("read the known tracks of account " + std::to_string(account_id), Access::Read,
                     [&](Connection& db) -> core::Result<std::vector<core::TrackInfo>> {
                       auto tracks = all_rows(db, kKnownTracks, {account_id},
                                              [](const Row& row) { return read_track(row, 0); });
                       // Bytewise, whatever the database's collation.
                       std::ranges::sort(tracks, {}, &core::TrackInfo::uri);
                       return tracks;
                     });
}

}  // namespace plm::sql
