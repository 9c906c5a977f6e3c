#pragma once
// Internal to plm::web: the JSON of edits (api/openapi.yaml: EditRequest, EditPreview, Track,
// TrackSearchResults) read into and written from core values. The request is read strictly, as
// the schema says (unknown properties, wrong types, out-of-range numbers and missing fields of
// the kind are refused with a message naming the field, e.g. "items[3].position"); what the edit
// means against the playlist is core::check_edit_request's and resolve_edit's to judge.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/edit/edit_request.hpp"
#include "core/journal/playlist_version.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::web {

/// An EditRequest body as sent.
struct EditBody {
  /// The kind as sent: "set_list", "move", ..., "restore", "undo", "details". `request.kind` is
  /// Restore for both "restore" and "undo" (their lists come from the journal, see
  /// handlers_edits.cpp).
  std::string kind;
  std::string planned_snapshot;
  core::EditRequest request;
  std::optional<std::int64_t> version;  ///< restore, undo
  bool seed_given = false;  ///< shuffle: false → the server picks request.shuffle_seed
  std::string why;
};

/// The most items, URIs or tracks a body may list (a playlist's most).
inline constexpr std::size_t kMaxEditListSize = 10'000;
inline constexpr std::size_t kMaxWhyLength = 500;

/// Reads an EditRequest body (a JSON object). InvalidInput naming the first wrong field.
core::Result<EditBody> parse_edit_body(const nlohmann::json& body);

/// The Track schema of a catalog track.
nlohmann::json track_value(const core::TrackInfo& track);

/// The TrackSearchResults schema of a page of search results.
nlohmann::json track_search_value(const core::Page<core::TrackInfo>& page);

/// The EditPreview schema. `current` is the list the proposal was made against, `details_before`
/// the playlist's details now (the preview lists the detail fields that change); `seed`: the
/// shuffle's seed, nullopt for other kinds.
nlohmann::json edit_preview_value(const core::EditProposal& proposal,
                                  const std::vector<core::PlaylistItem>& current,
                                  const std::string& planned_snapshot,
                                  const core::PlaylistDetailsChange& details,
                                  const core::PlaylistDetails& details_before,
                                  std::optional<std::uint64_t> seed);

/// The detail fields `change` sets that differ from `before`, as the preview lists them.
struct DetailFieldChange {
  std::string field;  ///< "name", "description", "public", "collaborative"
  std::string before;
  std::string after;
};
std::vector<DetailFieldChange> detail_field_changes(const core::PlaylistDetailsChange& change,
                                                    const core::PlaylistDetails& before);

}  // namespace plm::web
