#pragma once
/// The JSON of export and import (issue 14; api/openapi.yaml: ImportPreview, ImportPlaylistPreview,
/// ImportIssue, ImportUndecidedRow, Import, ImportApplyRequest, ImportApplied), shared with
/// `plm import --json` as batch_json.hpp is with `plm batch --json`: one shape per object.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/exchange/import_layout.hpp"
#include "core/exchange/import_plan.hpp"
#include "core/model/playlist.hpp"
#include "core/ports/import_store.hpp"
#include "core/result.hpp"

namespace plm::web {

/// The ImportIssue schema (row 1-based, column as letters, `where` from core::describe).
nlohmann::json import_issue_json(const core::ImportIssue& issue);

/// The ImportPreview schema without its `import` and `matching` members (the route adds them; the
/// CLI prints it as is): summary, playlists (each with its BatchEntryPreview `entry` built as
/// batch_json.hpp builds a batch preview's entries, `tags` before/after, `undecided` rows with
/// their candidates and paste_line = rows_to_match index + 2, the line of
/// core::paste_inputs_of_rows), issues, the counts, calls and expected_seconds. `playlists`: the
/// account's stored playlists (names, item counts, details before a change, tags before).
nlohmann::json import_proposal_json(const core::ImportDocument& document,
                                    const std::vector<core::RowMatch>& matches,
                                    const core::ImportProposal& proposal,
                                    const std::vector<core::StoredPlaylist>& playlists,
                                    std::int64_t rate_budget);

/// The Import schema: `rows` and `rows_to_match` from the document, `job_id` the paste's job.
nlohmann::json import_json(const core::StoredImport& stored, const core::ImportDocument& document,
                           std::optional<std::int64_t> match_job_id);

struct ImportApplyBody {
  std::vector<std::string> playlist_ids;  ///< empty: every `change` playlist
  std::string why;
};
/// An ImportApplyRequest body (empty body: the defaults), read strictly like batch_json's bodies.
core::Result<ImportApplyBody> parse_import_apply_body(const nlohmann::json& body);

}  // namespace plm::web
