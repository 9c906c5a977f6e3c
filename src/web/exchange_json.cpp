#include "web/exchange_json.hpp"

#include <map>
#include <string_view>
#include <utility>

#include "core/exchange/workbook.hpp"
#include "web/batch_json.hpp"
#include "web/edit_json.hpp"
#include "web/json_read.hpp"

namespace plm::web {

namespace {

Json optional_text(const std::optional<std::string>& text) {
  return text ? Json(*text) : Json(nullptr);
}

/// A row to match as people read it: "Artist – Title" (the title alone without an artist), or
/// its ISRC when that is all it has.
std::string row_input(const core::ImportRow& row) {
  if (row.reading) {
    const core::LineReading& reading = *row.reading;
    return reading.artist.empty() ? reading.title : reading.artist + " – " + reading.title;
  }
  return row.isrc.empty() ? std::string() : "ISRC " + row.isrc;
}

/// The ImportUndecidedRow of rows_to_match() index `index`.
Json undecided_value(const core::ImportDocument& document,
                     const std::vector<std::pair<std::size_t, std::size_t>>& to_match,
                     const std::vector<core::RowMatch>& matches, std::size_t index) {
  const auto [playlist_index, row_index] = to_match.at(index);
  const core::ImportedPlaylist& playlist = document.playlists.at(playlist_index);
  const core::ImportRow& row = playlist.rows.at(row_index);
  const core::LineMatch* match = index < matches.size() ? &matches[index].match : nullptr;
  Json candidates = Json::array();
  if (match != nullptr) {
    for (const auto& candidate : match->candidates) {
      candidates.push_back(
          Json{{"track", track_value(candidate.track)}, {"score", candidate.score}});
    }
  }
  const bool pending = match == nullptr || match->status == core::MatchStatus::Pending;
  return Json{{"sheet", playlist.sheet},
              {"row", row.row + 1},
              // Line 1 of the paste is paste_inputs_of_rows' header line.
              {"paste_line", index + 2},
              {"input", row_input(row)},
              {"status", pending ? "pending" : "ambiguous"},
              {"candidates", std::move(candidates)}};
}

}  // namespace

Json import_issue_json(const core::ImportIssue& issue) {
  return Json{{"severity", core::to_string(issue.severity)},
              {"sheet", issue.sheet},
              {"row", issue.row ? Json(*issue.row + 1) : Json(nullptr)},
              {"column", issue.column ? Json(core::column_letters(*issue.column)) : Json(nullptr)},
              {"message", issue.message},
              {"where", core::describe(issue)}};
}

Json import_proposal_json(const core::ImportDocument& document,
                          const std::vector<core::RowMatch>& matches,
                          const core::ImportProposal& proposal,
                          const std::vector<core::StoredPlaylist>& playlists,
                          [[maybe_unused]] std::int64_t rate_budget) {
  // The plan's expected duration was estimated at `rate_budget` (ImportPlanOptions::batch).
  std::map<std::string_view, const core::StoredPlaylist*> by_id;
  for (const auto& playlist : playlists) by_id.emplace(playlist.summary.id, &playlist);
  const auto stored = [&](const std::optional<std::string>& id) -> const core::StoredPlaylist* {
    if (!id) return nullptr;
    const auto found = by_id.find(*id);
    return found == by_id.end() ? nullptr : found->second;
  };
  const auto to_match = document.rows_to_match();
  const core::BatchPlan& plan = proposal.batch.plan;
  Json previews = Json::array();
  for (const auto& playlist : proposal.playlists) {
    const core::StoredPlaylist* now = stored(playlist.playlist_id);
    Json entry = nullptr;
    if (playlist.entry && *playlist.entry < plan.entries.size()) {
      entry = batch_entry_value(plan.entries[*playlist.entry], now);
    }
    Json tags = nullptr;
    if (playlist.tags) {
      tags = Json{{"before", now != nullptr ? now->tags : std::vector<std::string>{}},
                  {"after", *playlist.tags}};
    }
    Json undecided = Json::array();
    for (const std::size_t index : playlist.undecided) {
      undecided.push_back(undecided_value(document, to_match, matches, index));
    }
    previews.push_back(Json{{"sheet", playlist.sheet},
                            {"playlist_id", optional_text(playlist.playlist_id)},
                            {"name", playlist.name},
                            {"status", core::to_string(playlist.status)},
                            {"reason", playlist.reason},
                            {"rows", playlist.rows},
                            {"left_out", playlist.left_out},
                            {"entry", std::move(entry)},
                            {"tags", std::move(tags)},
                            {"undecided", std::move(undecided)}});
  }
  Json issues = Json::array();
  for (const auto& issue : proposal.issues) issues.push_back(import_issue_json(issue));
  return Json{{"summary", proposal.batch.summary},
              {"playlists", std::move(previews)},
              {"issues", std::move(issues)},
              {"changed", proposal.changed},
              {"unchanged", proposal.unchanged},
              {"needs_decision", proposal.needs_decision},
              {"refused", proposal.refused},
              {"unknown", proposal.unknown},
              {"calls", plan.calls},
              {"expected_seconds", static_cast<double>(plan.expected_duration.count()) / 1000.0}};
}

Json import_json(const core::StoredImport& stored, const core::ImportDocument& document,
                 std::optional<std::int64_t> match_job_id) {
  std::int64_t rows = 0;
  for (const auto& playlist : document.playlists)
    rows += static_cast<std::int64_t>(playlist.rows.size());
  return Json{
      {"id", stored.id},
      {"account_id", stored.account_id},
      {"file_name", stored.file_name},
      {"created_at", core::format_utc(stored.created_at)},
      {"paste_id", stored.paste_id ? Json(std::to_string(*stored.paste_id)) : Json(nullptr)},
      {"job_id", match_job_id ? Json(std::to_string(*match_job_id)) : Json(nullptr)},
      {"playlists", document.playlists.size()},
      {"rows", rows},
      {"rows_to_match", document.rows_to_match().size()}};
}

core::Result<ImportApplyBody> parse_import_apply_body(const Json& body) {
  ImportApplyBody apply;
  if (body.is_null()) return apply;  // no body: every change playlist, no why
  if (!body.is_object()) return invalid(wrong_type("body", "an ImportApplyRequest object", body));
  if (auto known = only_known(body, "", {"playlist_ids", "why"}); !known) return known.error();
  if (body.contains("playlist_ids")) {
    auto ids = read_uris(body["playlist_ids"], "playlist_ids", kMaxBatchIds);
    if (!ids) return ids.error();
    apply.playlist_ids = std::move(*ids);
  }
  if (body.contains("why")) {
    auto why = read_string(body["why"], "why", 0, kMaxWhyLength);
    if (!why) return why.error();
    apply.why = std::move(*why);
  }
  return apply;
}

}  // namespace plm::web
