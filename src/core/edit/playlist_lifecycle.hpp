#pragma once
/// What creating, copying, merging and splitting playlists produce (issue 9 §4, §5), decided from
/// stored items before anything is sent: the web previews (CreatePreview, SplitPreview), the jobs
/// that create the playlists (app/lifecycle_jobs.hpp) and the CLI call the same functions.
///
/// Only tracks and episodes can be added to a new playlist: local files and unavailable slots of
/// the sources are skipped and counted (Spotify's API cannot add them, spotify-api.md §7.5).
/// Items keep their order; a merge takes its sources one after the other.
///
/// Pure (std only).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/edit/edit_request.hpp"
#include "core/model/playlist.hpp"
#include "core/ports/spotify_api.hpp"
#include "core/result.hpp"

namespace plm::core {

/// A split makes at most this many playlists: a rule that would make more (one per artist of a
/// long playlist) is refused rather than flooding the user's library.
inline constexpr std::size_t kMaxSplitParts = 100;

/// InvalidInput, with a message for people, for a playlist Spotify would refuse to create (limits
/// in core/edit/edit_request.hpp; an empty description means none): a name empty or over
/// kMaxNameCharacters, a description over kMaxDescriptionCharacters or with a
/// line break, text that is not clean (model/text.hpp), collaborative and public at once.
Status check_new_playlist(const NewPlaylist& playlist);

/// The items a new playlist receives, in order, and what was left out.
struct CollectedItems {
  std::vector<PlaylistItem> items;  ///< tracks and episodes, with the catalog data stored
  std::int64_t duplicates_dropped = 0;
  std::int64_t skipped = 0;  ///< local files and unavailable slots

  std::vector<std::string> uris() const;
};

/// The items of `sources` one after the other (a copy has one source, a merge several), without
/// local files and unavailable slots; with `dedupe`, only the first copy of each URI.
CollectedItems collect_items(const std::vector<std::vector<PlaylistItem>>& sources, bool dedupe);

enum class SplitRule {
  Size,         ///< consecutive parts of `size` items: parts "1", "2", ...
  AddedYear,    ///< one part per year the items were added, oldest first; "unknown" last
  ReleaseYear,  ///< one part per release year of the album, oldest first; "unknown" last
  FirstArtist,  ///< one part per first artist, in the order they first appear
};
std::string_view to_string(SplitRule rule);  ///< "size", "added_year", "release_year", "artist"
std::optional<SplitRule> split_rule_from_string(std::string_view text);

inline constexpr std::string_view kDefaultSplitNameTemplate = "{name} ({part})";

struct SplitSpec {
  SplitRule rule = SplitRule::Size;
  std::int64_t size = 0;  ///< Size: items per part, 1 to kMaxPlaylistItems
  /// `{name}` (the playlist's name) and `{part}` (the part's label) are replaced everywhere.
  std::string name_template = std::string(kDefaultSplitNameTemplate);
};

struct SplitPart {
  std::string label;  ///< "1", "1999", "unknown", an artist's name
  std::string name;   ///< the new playlist's name, from the template
  std::vector<PlaylistItem> items;
};

struct SplitResult {
  std::vector<SplitPart> parts;  ///< never empty parts
  std::int64_t skipped = 0;      ///< local files and unavailable slots
};

/// The parts `spec` cuts `items` (a playlist called `playlist_name`) into; each item keeps its
/// order within its part. InvalidInput for a size out of range, a template whose names Spotify
/// would refuse (check_new_playlist) or that gives two parts the same name (it lacks `{part}`),
/// a playlist with no track to split, and more than kMaxSplitParts parts.
Result<SplitResult> split_items(const std::string& playlist_name,
                                const std::vector<PlaylistItem>& items, const SplitSpec& spec);

// ---- What a create_playlist or split_playlist job makes ---------------------------------------

/// New playlists with their items, decided before the job is enqueued (the preview shows exactly
/// this), so a job resumed later creates what the user saw even if the sources changed meanwhile.
struct PlaylistCreation {
  enum class Action { Create, Copy, Merge, Split };
  struct Part {
    std::string name;
    std::vector<std::string> uris;  ///< tracks and episodes only, in order

    bool operator==(const Part&) const = default;
  };

  Action action = Action::Create;
  std::string description;  ///< every part's
  bool is_public = false;
  bool collaborative = false;
  std::vector<std::string> sources;  ///< the playlists the items come from (their catalog data)
  std::vector<Part> parts;           ///< one for a create, copy or merge; several for a split
  std::string origin;                ///< "web" or "cli", for the journal
  std::string why;                   ///< the user's reason, for the journal

  bool operator==(const PlaylistCreation&) const = default;
};
/// "create", "copy", "merge", "split": the journal's action and the payload's word.
std::string_view to_string(PlaylistCreation::Action action);
std::optional<PlaylistCreation::Action> creation_action_from_string(std::string_view text);

/// What the user asks to create (the web's CreatePlaylistRequest, `plm playlist create|copy`):
/// empty, from URIs, a copy of one stored playlist or the merge of several (at most one of
/// `uris`, `copy_of`, `merge_of`).
struct CreateInput {
  NewPlaylist details;
  std::vector<std::string> uris;
  std::optional<std::string> copy_of;
  std::vector<std::string> merge_of;
  bool dedupe = false;
};

/// The creation and what the preview shows (CreatePreview).
struct PreparedCreation {
  PlaylistCreation creation;
  std::int64_t duplicates_dropped = 0;
  std::int64_t skipped = 0;  ///< local files and unavailable slots
};

/// The playlist `input` asks for, with the sources' stored items (`items_of(id)`: the store's
/// playlist_items of the account; NotFound passes through). InvalidInput for details Spotify
/// would refuse, more than one of uris / copy_of / merge_of, an empty merge list, a URI that
/// cannot be added (check_item_uris), or more than kMaxPlaylistItems items.
Result<PreparedCreation> prepare_creation(
    const CreateInput& input,
    const std::function<Result<std::vector<PlaylistItem>>(const std::string&)>& items_of);

/// The parts of a split of the playlist `playlist_id` as a creation (private, no description).
PlaylistCreation creation_of_split(const std::string& playlist_id, const SplitResult& split);

/// `name_template` with every `{name}` and `{part}` replaced.
std::string render_part_name(std::string_view name_template, std::string_view playlist_name,
                             std::string_view part_label);

}  // namespace plm::core
