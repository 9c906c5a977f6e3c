#pragma once
/// Batch edits (issue 10): the same change over many playlists of one account, decided here before
/// anything is sent. A batch operation ("add this track at position 3", "replace A by B", "rename
/// from a template") becomes, per selected playlist, either one core::EditRequest that the edit
/// engine plans like any other edit (minimal calls, its own journal version), or a reason why that
/// playlist is left alone (unchanged: nothing to do; refused: the account may not change it, or
/// Spotify would refuse the result). The web preview, `plm batch … --dry-run` and the job that runs
/// the batch (app/batch_jobs.hpp) all start from plan_batch, so what the preview shows is what
/// runs.
///
/// Also here, because the web app, the CLI and the batch view share them: the playlist SELECTOR
/// grammar of `plm batch` and `plm export`, which playlists an account may change, the name and
/// description templates, where a track is, and duplicates across playlists.
///
/// Pure (std only).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/edit/edit_plan.hpp"
#include "core/edit/edit_request.hpp"
#include "core/model/playlist.hpp"
#include "core/model/spotify_refs.hpp"
#include "core/result.hpp"
#include "core/time.hpp"

namespace plm::core {

// ---- choosing the playlists -----------------------------------------------------------------

/// SELECTOR (`plm batch --playlists`, `plm export --playlists`, BatchRequest.selector): a comma
/// list of terms, their union in the account's list order:
/// - a Spotify playlist id (22 base-62 characters), a `spotify:playlist:<id>` URI or an
///   `https://open.spotify.com/[intl-xx/]playlist/<id>[?si=…]` link;
/// - `tag:NAME` (the playlists with that local tag, compared as normalize_tags writes tags);
/// - `search:TEXT` (every word of TEXT occurs in the name, the description or the owner's name,
///   ignoring case and accents: the playlists page's search, with core::fold_for_search of
///   model/text.hpp; TEXT runs to the next comma);
/// - `owned` (the account owns them); `all`.
/// Spaces around terms are ignored.
struct PlaylistSelector {
  struct Term {
    enum class Kind { Id, Tag, Search, Owned, All };
    Kind kind = Kind::All;
    std::string value;  ///< Id: the bare id; Tag: the tag; Search: the text

    bool operator==(const Term&) const = default;
  };
  std::vector<Term> terms;

  bool operator==(const PlaylistSelector&) const = default;
};

/// InvalidInput, naming the term and what is expected, for an empty selector, an empty term, an
/// unknown `word:` prefix or a term that is no playlist id, URI or link.
Result<PlaylistSelector> parse_selector(std::string_view text);
/// The selector in the grammar above (parse_selector(to_string(s)) == s).
std::string to_string(const PlaylistSelector& selector);

/// The ids of the stored playlists the selector names, in `playlists` order, each once. NotFound
/// naming an id term that matches no stored playlist ("… is not stored for this account: plm
/// playlists lists them, plm sync reads new ones"); a tag or search that matches nothing is an
/// empty result, not an error.
Result<std::vector<std::string>> select_playlists(const PlaylistSelector& selector,
                                                  const std::vector<StoredPlaylist>& playlists,
                                                  std::string_view account_user_id);

/// What an operation needs to be allowed to change.
enum class WriteScope {
  Items,    ///< the list: the owner, or anyone on a collaborative playlist
  Details,  ///< name, description, visibility, cover: the owner only
};

/// Why the Spotify user `account_user_id` may not change `playlist` in `scope`, for people
/// ("followed, owned by someone else: Spotify refuses changes"; "collaborative, owned by someone
/// else: only its owner may change its details"), or nullopt when it may. The items plm may change
/// are those it may read (core::can_read_items: owner or collaborative).
std::optional<std::string> why_not_writable(const PlaylistSummary& playlist,
                                            std::string_view account_user_id, WriteScope scope);

// ---- the operation --------------------------------------------------------------------------

struct BatchOperation {
  enum class Kind {
    Add,         ///< `uris` at `at`
    Remove,      ///< every copy of each of `uris`
    Replace,     ///< every copy of `old_uri` becomes `new_uri`, at the same position; in a
                 ///< playlist that already holds `new_uri` the copies of `old_uri` are only
                 ///< removed (no second copy of `new_uri`); one without `old_uri` is unchanged
    Dedupe,      ///< `keep`
    Sort,        ///< `sort_by`, `descending`
    Shuffle,     ///< a seeded shuffle per playlist (seed_for(shuffle_seed, playlist id))
    Rename,      ///< `name_template` and/or `description_template` (expand_template)
    Visibility,  ///< `make_public`
  };
  enum class At { Top, Bottom, Position };

  Kind kind = Kind::Add;
  std::vector<std::string> uris;
  /// Add: catalog data of the added URIs when the caller has it (search results, the source
  /// playlist's stored items), so stored copies show them at once.
  std::vector<TrackInfo> tracks;
  At at = At::Bottom;
  /// At::Position: 0-based index in each playlist (the CLI's and the UI's 1-based N minus one);
  /// added before the item there, appended when the playlist is shorter.
  std::int64_t position = 0;
  /// Add: by default a playlist that already holds a URI does not get it again (the URIs it
  /// lacks are added; one that holds them all is unchanged). True adds them anyway.
  bool add_existing = false;
  std::string old_uri;  ///< Replace
  std::string new_uri;  ///< Replace
  DedupeKeep keep = DedupeKeep::First;
  SortKey sort_by = SortKey::Title;
  bool descending = false;
  std::uint64_t shuffle_seed = 0;
  std::optional<std::string> name_template;         ///< Rename
  std::optional<std::string> description_template;  ///< Rename
  bool make_public = false;                         ///< Visibility
  bool allow_replace = false;                       ///< as EditRequest::allow_replace
};

/// What an operation of `kind` needs: Details for rename and visibility, Items for the others.
WriteScope write_scope_of(BatchOperation::Kind kind);

std::string_view to_string(BatchOperation::Kind kind);  ///< "add", "remove", … (API, CLI, stored)
std::optional<BatchOperation::Kind> batch_kind_from_string(std::string_view text);
std::string_view to_string(BatchOperation::At at);  ///< "top", "bottom", "position"
std::optional<BatchOperation::At> batch_at_from_string(std::string_view text);

/// InvalidInput for an operation no playlist could satisfy, before any playlist is looked at:
/// an add or remove without URIs, a URI that is no track or episode URI, a replace whose two URIs
/// are equal or missing, a negative position, a rename with neither template, a template with an
/// unknown placeholder (check_template), more than 100 URIs to add in one batch.
Status check_batch_operation(const BatchOperation& operation);

/// Names and descriptions from a template: `{name}` (the playlist's name now), `{description}`,
/// `{count}` (its items), `{date}` (today, YYYY-MM-DD, UTC), `{year}`, `{month}` (01–12), `{day}`
/// (01–31); `{{` and `}}` are literal braces. InvalidInput naming an unknown placeholder or an
/// unmatched brace.
Status check_template(std::string_view text);
Result<std::string> expand_template(std::string_view text, const PlaylistSummary& playlist,
                                    std::int64_t item_count, TimePoint today);

/// The shuffle seed of one playlist of a batch: the batch's seed mixed with the playlist id, so
/// playlists of one batch get different orders, and the preview and the job the same one.
std::uint64_t seed_for(std::uint64_t batch_seed, std::string_view playlist_id);

// ---- planning -------------------------------------------------------------------------------

/// One selected playlist as stored: its summary (snapshot, details) and items.
struct BatchTarget {
  const StoredPlaylist* playlist = nullptr;
  /// May be null for a rename or a visibility change (their plans touch no item; propose_batch
  /// does not read the items then); an item operation refuses a target without them.
  const std::vector<PlaylistItem>* items = nullptr;
};

/// The reason of a Refused entry whose stored items are not the playlist's current ones (its
/// items were never read, or it changed on Spotify since they were): the edit job would conflict.
inline constexpr std::string_view kNotSyncedReason = "not synced since it changed: sync it first";

struct BatchEntryPlan {
  enum class Status {
    Change,     ///< `request` changes it; `proposal` says how
    Unchanged,  ///< nothing to do (`reason`: "already holds it", "already sorted")
    Refused,    ///< left alone (`reason`: not writable, Spotify would refuse the result, …)
  };
  std::string playlist_id;
  std::string name;
  Status status = Status::Change;
  std::string reason;
  /// Change: the edit the job sends, with the stored items' snapshot as its planned snapshot.
  EditRequest request;
  std::string planned_snapshot;
  /// Change: propose_edit(request, items) (desired list, plan, preview); for a rename or a
  /// visibility change, the details steps only.
  EditProposal proposal;
  /// Change: estimated Spotify calls (estimated_calls).
  std::int64_t calls = 0;
  /// An undo's entry (plan_batch_undo): the journal version the undone batch recorded; the job
  /// undoes it (core::undo_request) when it runs.
  std::optional<std::int64_t> undo_version;
};

std::string_view to_string(BatchEntryPlan::Status status);  ///< "change", "unchanged", "refused"

struct BatchPlan {
  std::vector<BatchEntryPlan> entries;  ///< one per target, in the targets' order
  std::int64_t changed = 0;
  std::int64_t unchanged = 0;
  std::int64_t refused = 0;
  std::int64_t write_calls = 0;  ///< write requests of every plan
  std::int64_t check_reads = 0;  ///< snapshot confirmations and reads after detail changes
  std::int64_t calls = 0;        ///< write_calls + check_reads
  /// At the rate budget given to plan_batch (estimated_duration).
  std::chrono::milliseconds expected_duration{0};
};

struct BatchPlanOptions {
  TimePoint today;                         ///< for templates
  std::int64_t rate_budget = 90;           ///< calls per 30 s (PLM_SPOTIFY_RATE_BUDGET)
  std::chrono::milliseconds latency{100};  ///< per call, for the duration estimate
};

/// One entry per target. Item operations (all but rename and visibility) plan on the stored items
/// and need them current: a playlist whose items_snapshot_id is empty or differs from its
/// summary's snapshot is Refused (kNotSyncedReason). The requests: add -> EditRequest::add of the
/// URIs it lacks (all of them with add_existing) before the item at `position` (appended when the
/// playlist is shorter); remove -> EditRequest::remove of every copy of the URIs it holds;
/// replace -> a set_list; dedupe, sort, shuffle (seed_for) -> their kinds; rename, visibility ->
/// details. A plan without steps is Unchanged ("already in that order", "no duplicates").
/// InvalidInput when check_batch_operation refuses the operation; problems
/// of a single playlist (not writable, over 10,000 items, a name Spotify would refuse, a plan the
/// engine refuses) make that entry Refused and never fail the batch.
Result<BatchPlan> plan_batch(const BatchOperation& operation,
                             const std::vector<BatchTarget>& targets,
                             std::string_view account_user_id, const BatchPlanOptions& options);

/// `entries` with their totals counted (changed, unchanged, refused, calls) and the duration
/// estimated at options' budget: how plan_batch ends, and how batch_requests joins the plans of
/// several parts or an undo's entries.
BatchPlan plan_of(std::vector<BatchEntryPlan> entries, const BatchPlanOptions& options);

/// Spotify calls the edit job makes for one planned entry when nothing goes wrong: its write
/// requests, one version read confirming the snapshot before them, and one more after a detail or
/// cover change (their answers carry no snapshot).
std::int64_t estimated_calls(const EditProposal& proposal, const EditRequest& request);

/// How long `calls` sequential calls take at `rate_budget` calls per 30 s and `latency` each: the
/// longer of the latency bound and the rate bound (the first budget's worth goes at once).
std::chrono::milliseconds estimated_duration(std::int64_t calls, std::int64_t rate_budget,
                                             std::chrono::milliseconds latency);

// ---- where a track is, duplicates -----------------------------------------------------------

// item_uri_from (a track URI or link as the item's URI): core/model/spotify_refs.hpp.

/// Where one URI occurs in one playlist.
struct TrackPlacement {
  std::string playlist_id;
  std::vector<std::int64_t> positions;  ///< 0-based, ascending
  /// The earliest added_at among its copies (Spotify's date), when known.
  std::optional<TimePoint> added_at;
};

/// The playlists among `targets` that hold `uri`, in the targets' order.
std::vector<TrackPlacement> where_is(std::string_view uri, const std::vector<BatchTarget>& targets);

struct CrossDuplicate {
  std::string uri;
  struct In {
    std::string playlist_id;
    std::int64_t copies = 0;

    bool operator==(const In&) const = default;
  };
  std::vector<In> playlists;  ///< at least two, in the targets' order

  bool operator==(const CrossDuplicate&) const = default;
};

struct InnerDuplicate {
  std::string playlist_id;
  std::string uri;
  std::vector<std::int64_t> positions;  ///< 0-based, at least two

  bool operator==(const InnerDuplicate&) const = default;
};

struct DuplicateReport {
  /// Tracks in more than one playlist: most playlists first, then by first appearance.
  std::vector<CrossDuplicate> across;
  /// Tracks more than once in one playlist: by playlist in the targets' order, then position.
  std::vector<InnerDuplicate> within;
};

/// Local files and unavailable slots are left out (they cannot be compared by URI).
DuplicateReport find_duplicates(const std::vector<BatchTarget>& targets);

}  // namespace plm::core
