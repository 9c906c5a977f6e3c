#include "core/batch/batch_plan.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <variant>

#include "core/enum_names.hpp"
#include "core/model/text.hpp"
#include "core/write/playlist_edits.hpp"

namespace plm::core {
namespace {

using Kind = BatchOperation::Kind;
using TermKind = PlaylistSelector::Term::Kind;
using EntryStatus = BatchEntryPlan::Status;

constexpr Names<Kind, 8> kKindNames{{
    {Kind::Add, "add"},
    {Kind::Remove, "remove"},
    {Kind::Replace, "replace"},
    {Kind::Dedupe, "dedupe"},
    {Kind::Sort, "sort"},
    {Kind::Shuffle, "shuffle"},
    {Kind::Rename, "rename"},
    {Kind::Visibility, "visibility"},
}};

constexpr Names<BatchOperation::At, 3> kAtNames{{
    {BatchOperation::At::Top, "top"},
    {BatchOperation::At::Bottom, "bottom"},
    {BatchOperation::At::Position, "position"},
}};

constexpr Names<EntryStatus, 3> kStatusNames{{
    {EntryStatus::Change, "change"},
    {EntryStatus::Unchanged, "unchanged"},
    {EntryStatus::Refused, "refused"},
}};

/// The most URIs one batch may add to each playlist (one add request of Spotify's).
constexpr std::size_t kMaxBatchAddUris = 100;

Error invalid(std::string message) {
  return make_error(ErrorCode::InvalidInput, std::move(message));
}

// ---- the selector ----------------------------------------------------------------------------

constexpr std::string_view kSpaces = " \t\r\n";

std::string_view trim(std::string_view text) { return trim_spaces(text); }

Result<PlaylistSelector::Term> parse_term(std::string_view term) {
  using Term = PlaylistSelector::Term;
  if (term.empty()) return invalid("the selector has an empty term (two commas in a row?)");
  if (term == "owned") return Term{TermKind::Owned, ""};
  if (term == "all") return Term{TermKind::All, ""};
  if (auto id = playlist_id_from(term)) return Term{TermKind::Id, std::move(*id)};
  const auto colon = term.find(':');
  if (colon != std::string_view::npos) {
    const auto word = term.substr(0, colon);
    const auto value = trim(term.substr(colon + 1));
    if (word == "tag" || word == "search") {
      if (value.empty()) {
        return invalid("the selector term \"" + std::string(term) + "\" needs a " +
                       (word == "tag" ? "tag name" : "text to search"));
      }
      return Term{word == "tag" ? TermKind::Tag : TermKind::Search, std::string(value)};
    }
    if (word != "spotify" && word != "https" && word != "http") {
      return invalid("the selector term \"" + std::string(term) + "\" starts with the unknown \"" +
                     std::string(word) + ":\": expected tag:, search:, owned, all or a playlist");
    }
  }
  return invalid("the selector term \"" + std::string(term) +
                 "\" is no playlist id (22 letters and digits), spotify:playlist: URI or "
                 "open.spotify.com link");
}

/// Every word of `search` (folded) occurs in the playlist's name, description, owner name or
/// owner id (folded): the playlists page's matchesSearch.
bool matches_search(const PlaylistSummary& playlist, std::string_view search) {
  const std::string hay = fold_for_search(playlist.name + "\n" + playlist.description + "\n" +
                                          playlist.owner_name + "\n" + playlist.owner_id);
  const std::string words = fold_for_search(search);
  std::size_t at = 0;
  while (true) {
    const auto start = words.find_first_not_of(kSpaces, at);
    if (start == std::string::npos) return true;
    const auto end = std::min(words.find_first_of(kSpaces, start), words.size());
    if (hay.find(std::string_view(words).substr(start, end - start)) == std::string::npos)
      return false;
    at = end;
  }
}

bool selects(const PlaylistSelector::Term& term, const StoredPlaylist& playlist,
             std::string_view account_user_id) {
  switch (term.kind) {
    case TermKind::Id:
      return playlist.summary.id == term.value;
    case TermKind::Tag:
      return std::find(playlist.tags.begin(), playlist.tags.end(), term.value) !=
             playlist.tags.end();
    case TermKind::Search:
      return matches_search(playlist.summary, term.value);
    case TermKind::Owned:
      return playlist.summary.owner_id == account_user_id;
    case TermKind::All:
      return true;
  }
  return false;
}

// ---- templates -------------------------------------------------------------------------------

constexpr std::array<std::string_view, 7> kPlaceholders{"name", "description", "count", "date",
                                                        "year", "month",       "day"};

/// Walks a template: literal text to `literal`, each placeholder's name to `placeholder`.
/// InvalidInput for an unknown placeholder or an unmatched brace.
template <typename Literal, typename Placeholder>
Status walk_template(std::string_view text, Literal&& literal, Placeholder&& placeholder) {
  for (std::size_t at = 0; at < text.size();) {
    const char c = text[at];
    if ((c == '{' || c == '}') && at + 1 < text.size() && text[at + 1] == c) {
      literal(std::string_view(&text[at], 1));
      at += 2;
      continue;
    }
    if (c == '}') {
      return invalid("the template has a \"}\" without its \"{\" at character " +
                     std::to_string(at + 1) + " (write }} for a brace)");
    }
    if (c == '{') {
      const auto close = text.find('}', at + 1);
      if (close == std::string_view::npos) {
        return invalid("the template has a \"{\" without its \"}\" at character " +
                       std::to_string(at + 1) + " (write {{ for a brace)");
      }
      const auto name = text.substr(at + 1, close - at - 1);
      if (std::find(kPlaceholders.begin(), kPlaceholders.end(), name) == kPlaceholders.end()) {
        return invalid("the template has the unknown placeholder {" + std::string(name) +
                       "}: expected {name}, {description}, {count}, {date}, {year}, {month} or "
                       "{day}");
      }
      placeholder(name);
      at = close + 1;
      continue;
    }
    const auto next = text.find_first_of("{}", at);
    const auto end = next == std::string_view::npos ? text.size() : next;
    literal(text.substr(at, end - at));
    at = end;
  }
  return ok();
}

// ---- planning one playlist -------------------------------------------------------------------

BatchEntryPlan unchanged(BatchEntryPlan entry, std::string reason) {
  entry.status = EntryStatus::Unchanged;
  entry.reason = std::move(reason);
  return entry;
}

BatchEntryPlan refused(BatchEntryPlan entry, std::string reason) {
  entry.status = EntryStatus::Refused;
  entry.reason = std::move(reason);
  return entry;
}

bool holds(const std::vector<PlaylistItem>& items, std::string_view uri) {
  return std::any_of(items.begin(), items.end(),
                     [&](const PlaylistItem& item) { return item.uri == uri; });
}

/// "it" for one URI, "all 3" / "any of the 3" for several.
std::string them(std::size_t count, std::string_view several) {
  return count == 1 ? "it" : std::string(several) + std::to_string(count);
}

Placement placement_of(const BatchOperation& operation, const std::vector<PlaylistItem>& items) {
  switch (operation.at) {
    case BatchOperation::At::Top:
      return Placement::top();
    case BatchOperation::At::Bottom:
      return Placement::bottom();
    case BatchOperation::At::Position:
      break;
  }
  if (operation.position >= static_cast<std::int64_t>(items.size())) return Placement::bottom();
  const auto index = static_cast<std::size_t>(operation.position);
  return Placement::before_item({items[index].uri, operation.position});
}

/// The request of an item operation on `items`, or the entry's Unchanged reason.
std::variant<EditRequest, std::string> item_request(const BatchOperation& operation,
                                                    const std::vector<PlaylistItem>& items,
                                                    std::string_view playlist_id) {
  switch (operation.kind) {
    case Kind::Add: {
      std::vector<std::string> added;
      for (const auto& uri : operation.uris) {
        if (operation.add_existing || !holds(items, uri)) added.push_back(uri);
      }
      if (added.empty()) return "already holds " + them(operation.uris.size(), "all ");
      auto request = EditRequest::add(added, placement_of(operation, items));
      const std::set<std::string> wanted(added.begin(), added.end());
      for (const auto& track : operation.tracks) {
        if (wanted.contains(track.uri)) request.tracks.push_back(track);
      }
      return request;
    }
    case Kind::Remove: {
      std::vector<std::string> held;
      for (const auto& uri : operation.uris) {
        if (holds(items, uri)) held.push_back(uri);
      }
      if (held.empty()) return "does not hold " + them(operation.uris.size(), "any of the ");
      return EditRequest::remove({}, std::move(held));
    }
    case Kind::Replace: {
      if (!holds(items, operation.old_uri)) return std::string("does not hold it");
      const bool new_held = holds(items, operation.new_uri);
      std::vector<std::string> desired;
      desired.reserve(items.size());
      for (const auto& item : items) {
        if (item.uri != operation.old_uri) {
          desired.push_back(item.uri);
        } else if (!new_held) {
          desired.push_back(operation.new_uri);
        }
      }
      return EditRequest::set_list(std::move(desired));
    }
    case Kind::Dedupe:
      return EditRequest::dedupe(operation.keep);
    case Kind::Sort:
      return EditRequest::sort(operation.sort_by, operation.descending);
    case Kind::Shuffle:
      return EditRequest::shuffle(seed_for(operation.shuffle_seed, playlist_id));
    case Kind::Rename:
    case Kind::Visibility:
      break;
  }
  return std::string("not an item operation");
}

/// Why an item operation whose plan has no step changes nothing.
std::string nothing_to_do(Kind kind) {
  switch (kind) {
    case Kind::Dedupe:
      return "no duplicates";
    case Kind::Sort:
    case Kind::Shuffle:
      return "already in that order";
    default:
      return "nothing to change";
  }
}

/// The details change of a rename or visibility change, or the entry's Unchanged or Refused
/// reason (first: true for Refused).
struct DetailsDecision {
  PlaylistDetailsChange change;
  std::optional<std::pair<EntryStatus, std::string>> instead;
};

DetailsDecision details_request(const BatchOperation& operation, const StoredPlaylist& playlist,
                                const BatchPlanOptions& options) {
  const PlaylistSummary& summary = playlist.summary;
  DetailsDecision decision;
  if (operation.kind == Kind::Visibility) {
    if (summary.is_public == operation.make_public) {
      decision.instead = {EntryStatus::Unchanged,
                          operation.make_public ? "already public" : "already private"};
    } else if (operation.make_public && summary.collaborative) {
      decision.instead = {EntryStatus::Refused,
                          "collaborative: Spotify does not let a collaborative playlist be public"};
    } else {
      decision.change.is_public = operation.make_public;
    }
    return decision;
  }
  std::vector<std::string> same;
  const auto expand = [&](const std::optional<std::string>& text, const std::string& now,
                          std::optional<std::string>& into, std::string_view field) -> Status {
    if (!text) return ok();
    auto expanded = expand_template(*text, summary, summary.item_count, options.today);
    if (!expanded) return expanded.error();
    if (*expanded == now) {
      same.emplace_back(field);
    } else {
      into = std::move(*expanded);
    }
    return ok();
  };
  if (auto name = expand(operation.name_template, summary.name, decision.change.name, "name");
      !name) {
    decision.instead = {EntryStatus::Refused, name.error().message};
  } else if (auto description = expand(operation.description_template, summary.description,
                                       decision.change.description, "description");
             !description) {
    decision.instead = {EntryStatus::Refused, description.error().message};
  } else if (decision.change.empty()) {
    decision.instead = {EntryStatus::Unchanged, same.size() == 2
                                                    ? "already has that name and description"
                                                    : "already has that " + same.front()};
  }
  return decision;
}

BatchEntryPlan plan_entry(const BatchOperation& operation, const BatchTarget& target,
                          std::string_view account_user_id, const BatchPlanOptions& options) {
  const StoredPlaylist& playlist = *target.playlist;
  BatchEntryPlan entry;
  entry.playlist_id = playlist.summary.id;
  entry.name = playlist.summary.name;
  entry.planned_snapshot = playlist.items_snapshot_id;
  const WriteScope scope = write_scope_of(operation.kind);
  if (auto why = why_not_writable(playlist.summary, account_user_id, scope)) {
    return refused(std::move(entry), std::move(*why));
  }
  static const std::vector<PlaylistItem> kNoItems;
  const std::vector<PlaylistItem>& items = target.items ? *target.items : kNoItems;
  if (scope == WriteScope::Items) {
    if (playlist.items_snapshot_id.empty() || target.items == nullptr ||
        playlist.items_snapshot_id != playlist.summary.snapshot_id) {
      return refused(std::move(entry), std::string(kNotSyncedReason));
    }
    auto request = item_request(operation, items, playlist.summary.id);
    if (auto* reason = std::get_if<std::string>(&request)) {
      return unchanged(std::move(entry), std::move(*reason));
    }
    entry.request = std::move(std::get<EditRequest>(request));
  } else {
    auto decision = details_request(operation, playlist, options);
    if (decision.instead) {
      entry.status = decision.instead->first;
      entry.reason = std::move(decision.instead->second);
      return entry;
    }
    entry.request = EditRequest::change_details(std::move(decision.change));
  }
  entry.request.allow_replace = operation.allow_replace;
  auto proposal = propose_edit(entry.request, items);
  if (!proposal) return refused(std::move(entry), proposal.error().message);
  if (proposal->plan.steps.empty()) {
    return unchanged(std::move(entry), nothing_to_do(operation.kind));
  }
  entry.proposal = std::move(*proposal);
  entry.calls = estimated_calls(entry.proposal, entry.request);
  return entry;
}

std::int64_t check_reads_of(const EditProposal& proposal) {
  if (proposal.plan.steps.empty()) return 0;
  const bool unconfirmed_after =
      std::any_of(proposal.plan.steps.begin(), proposal.plan.steps.end(), [](const WriteStep& s) {
        return s.kind == WriteStep::Kind::ChangeDetails || s.kind == WriteStep::Kind::UploadCover;
      });
  return 1 + (unconfirmed_after ? 1 : 0);
}

}  // namespace

// ---- the selector ----------------------------------------------------------------------------

Result<PlaylistSelector> parse_selector(std::string_view text) {
  if (trim(text).empty()) {
    return invalid("the selector is empty: give playlist ids, tag:NAME, search:TEXT, owned or all");
  }
  PlaylistSelector selector;
  std::size_t at = 0;
  while (true) {
    const auto comma = text.find(',', at);
    const auto end = comma == std::string_view::npos ? text.size() : comma;
    auto term = parse_term(trim(text.substr(at, end - at)));
    if (!term) return term.error();
    selector.terms.push_back(std::move(*term));
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return selector;
}

std::string to_string(const PlaylistSelector& selector) {
  std::string text;
  for (const auto& term : selector.terms) {
    if (!text.empty()) text += ",";
    switch (term.kind) {
      case TermKind::Id:
        text += term.value;
        break;
      case TermKind::Tag:
        text += "tag:" + term.value;
        break;
      case TermKind::Search:
        text += "search:" + term.value;
        break;
      case TermKind::Owned:
        text += "owned";
        break;
      case TermKind::All:
        text += "all";
        break;
    }
  }
  return text;
}

Result<std::vector<std::string>> select_playlists(const PlaylistSelector& selector,
                                                  const std::vector<StoredPlaylist>& playlists,
                                                  std::string_view account_user_id) {
  for (const auto& term : selector.terms) {
    if (term.kind != TermKind::Id) continue;
    const bool stored = std::any_of(playlists.begin(), playlists.end(),
                                    [&](const auto& p) { return p.summary.id == term.value; });
    if (!stored) {
      return make_error(ErrorCode::NotFound,
                        "playlist " + term.value +
                            " is not stored for this account: plm playlists lists them, plm sync "
                            "reads new ones");
    }
  }
  std::vector<std::string> ids;
  for (const auto& playlist : playlists) {
    const bool selected =
        std::any_of(selector.terms.begin(), selector.terms.end(),
                    [&](const auto& t) { return selects(t, playlist, account_user_id); });
    if (selected) ids.push_back(playlist.summary.id);
  }
  return ids;
}

std::optional<std::string> why_not_writable(const PlaylistSummary& playlist,
                                            std::string_view account_user_id, WriteScope scope) {
  const bool owned = playlist.owner_id == account_user_id;
  if (owned) return std::nullopt;
  if (!playlist.collaborative) {
    return std::string("followed, owned by someone else: Spotify refuses changes");
  }
  if (scope == WriteScope::Details) {
    return std::string(
        "collaborative, owned by someone else: only its owner may change its details");
  }
  return std::nullopt;
}

// ---- the operation ---------------------------------------------------------------------------

WriteScope write_scope_of(BatchOperation::Kind kind) {
  return kind == Kind::Rename || kind == Kind::Visibility ? WriteScope::Details : WriteScope::Items;
}

std::string_view to_string(BatchOperation::Kind kind) { return name_in(kKindNames, kind); }
std::optional<BatchOperation::Kind> batch_kind_from_string(std::string_view text) {
  return value_in(kKindNames, text);
}
std::string_view to_string(BatchOperation::At at) { return name_in(kAtNames, at); }
std::optional<BatchOperation::At> batch_at_from_string(std::string_view text) {
  return value_in(kAtNames, text);
}
std::string_view to_string(BatchEntryPlan::Status status) { return name_in(kStatusNames, status); }

Status check_batch_operation(const BatchOperation& operation) {
  const auto check_uris = [](const std::vector<std::string>& uris, std::string_view verb,
                             std::string_view done) -> Status {
    if (uris.empty()) return invalid("no track or episode to " + std::string(verb));
    for (const auto& uri : uris) {
      if (is_local_uri(uri)) {
        return invalid("the local file " + uri + " cannot be " + std::string(done) +
                       " through Spotify's API");
      }
      if (!is_item_uri(uri))
        return invalid("\"" + uri + "\" is not a Spotify track or episode URI");
    }
    return ok();
  };
  switch (operation.kind) {
    case Kind::Add:
      if (auto checked = check_uris(operation.uris, "add", "added"); !checked) return checked;
      if (operation.uris.size() > kMaxBatchAddUris) {
        return invalid("a batch adds at most " + std::to_string(kMaxBatchAddUris) +
                       " tracks, not " + std::to_string(operation.uris.size()));
      }
      if (operation.at == BatchOperation::At::Position && operation.position < 0) {
        return invalid("the position to add at is negative");
      }
      return ok();
    case Kind::Remove:
      return check_uris(operation.uris, "remove", "removed");
    case Kind::Replace:
      if (operation.old_uri.empty() || operation.new_uri.empty()) {
        return invalid("a replace needs the track to replace and the track to put in its place");
      }
      if (auto checked = check_uris({operation.old_uri, operation.new_uri}, "replace", "replaced");
          !checked) {
        return checked;
      }
      if (operation.old_uri == operation.new_uri) {
        return invalid("a replace needs two different tracks, not " + operation.old_uri + " twice");
      }
      return ok();
    case Kind::Rename:
      if (!operation.name_template && !operation.description_template) {
        return invalid("a rename needs a name template, a description template or both");
      }
      if (operation.name_template) {
        if (auto checked = check_template(*operation.name_template); !checked) return checked;
      }
      if (operation.description_template) {
        if (auto checked = check_template(*operation.description_template); !checked)
          return checked;
      }
      return ok();
    case Kind::Dedupe:
    case Kind::Sort:
    case Kind::Shuffle:
    case Kind::Visibility:
      return ok();
  }
  return ok();
}

Status check_template(std::string_view text) {
  return walk_template(
      text, [](std::string_view) {}, [](std::string_view) {});
}

Result<std::string> expand_template(std::string_view text, const PlaylistSummary& playlist,
                                    std::int64_t item_count, TimePoint today) {
  const std::string date = format_utc(today).substr(0, 10);  // YYYY-MM-DD
  std::string expanded;
  auto walked = walk_template(
      text, [&](std::string_view literal) { expanded.append(literal); },
      [&](std::string_view name) {
        if (name == "name") expanded += playlist.name;
        if (name == "description") expanded += playlist.description;
        if (name == "count") expanded += std::to_string(item_count);
        if (name == "date") expanded += date;
        if (name == "year") expanded += date.substr(0, 4);
        if (name == "month") expanded += date.substr(5, 2);
        if (name == "day") expanded += date.substr(8, 2);
      });
  if (!walked) return walked.error();
  return expanded;
}

std::uint64_t seed_for(std::uint64_t batch_seed, std::string_view playlist_id) {
  // FNV-1a (64 bits) of the id, then one splitmix64 step from the batch seed mixed with it.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : playlist_id) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  std::uint64_t z = (batch_seed ^ hash) + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// ---- planning --------------------------------------------------------------------------------

Result<BatchPlan> plan_batch(const BatchOperation& operation,
                             const std::vector<BatchTarget>& targets,
                             std::string_view account_user_id, const BatchPlanOptions& options) {
  if (auto checked = check_batch_operation(operation); !checked) return checked.error();
  std::vector<BatchEntryPlan> entries;
  entries.reserve(targets.size());
  for (const auto& target : targets) {
    entries.push_back(plan_entry(operation, target, account_user_id, options));
  }
  return plan_of(std::move(entries), options);
}

BatchPlan plan_of(std::vector<BatchEntryPlan> entries, const BatchPlanOptions& options) {
  BatchPlan plan;
  for (const auto& entry : entries) {
    switch (entry.status) {
      case EntryStatus::Change: {
        ++plan.changed;
        const std::int64_t writes = write_requests(entry.proposal.plan.steps);
        plan.write_calls += writes;
        plan.check_reads += entry.calls - writes;
        break;
      }
      case EntryStatus::Unchanged:
        ++plan.unchanged;
        break;
      case EntryStatus::Refused:
        ++plan.refused;
        break;
    }
  }
  plan.entries = std::move(entries);
  plan.calls = plan.write_calls + plan.check_reads;
  plan.expected_duration = estimated_duration(plan.calls, options.rate_budget, options.latency);
  return plan;
}

std::int64_t estimated_calls(const EditProposal& proposal, const EditRequest& /*request*/) {
  return write_requests(proposal.plan.steps) + check_reads_of(proposal);
}

std::chrono::milliseconds estimated_duration(std::int64_t calls, std::int64_t rate_budget,
                                             std::chrono::milliseconds latency) {
  using std::chrono::milliseconds;
  if (calls <= 0) return milliseconds{0};
  const std::int64_t budget = std::max<std::int64_t>(rate_budget, 1);
  const milliseconds rate_bound{std::max<std::int64_t>(0, calls - budget) * 30'000 / budget};
  const milliseconds latency_bound = latency * calls;
  return std::max(rate_bound, latency_bound);
}

// ---- where a track is, duplicates ------------------------------------------------------------

std::vector<TrackPlacement> where_is(std::string_view uri,
                                     const std::vector<BatchTarget>& targets) {
  std::vector<TrackPlacement> found;
  if (uri.empty()) return found;
  for (const auto& target : targets) {
    if (target.playlist == nullptr || target.items == nullptr) continue;
    TrackPlacement placement{target.playlist->summary.id, {}, std::nullopt};
    const auto& items = *target.items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (items[i].uri != uri) continue;
      placement.positions.push_back(static_cast<std::int64_t>(i));
      if (items[i].added_at && (!placement.added_at || *items[i].added_at < *placement.added_at)) {
        placement.added_at = items[i].added_at;
      }
    }
    if (!placement.positions.empty()) found.push_back(std::move(placement));
  }
  return found;
}

DuplicateReport find_duplicates(const std::vector<BatchTarget>& targets) {
  DuplicateReport report;
  // Across: per URI, its playlists in the targets' order; URIs in order of first appearance.
  std::unordered_map<std::string, std::size_t> index_of;
  std::vector<CrossDuplicate> seen;
  for (const auto& target : targets) {
    if (target.playlist == nullptr || target.items == nullptr) continue;
    const std::string& id = target.playlist->summary.id;
    std::vector<std::string> order;  // this playlist's URIs, first copy first
    std::map<std::string, std::vector<std::int64_t>> positions;
    const auto& items = *target.items;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto& item = items[i];
      if (item.uri.empty() || item.unavailable || item.is_local || is_local_uri(item.uri)) continue;
      auto& at = positions[item.uri];
      if (at.empty()) order.push_back(item.uri);
      at.push_back(static_cast<std::int64_t>(i));
    }
    for (const auto& uri : order) {
      const auto& at = positions[uri];
      if (at.size() > 1) report.within.push_back({id, uri, at});
      auto [it, inserted] = index_of.emplace(uri, seen.size());
      if (inserted) seen.push_back({uri, {}});
      seen[it->second].playlists.push_back({id, static_cast<std::int64_t>(at.size())});
    }
  }
  for (auto& duplicate : seen) {
    if (duplicate.playlists.size() > 1) report.across.push_back(std::move(duplicate));
  }
  std::stable_sort(report.across.begin(), report.across.end(), [](const auto& a, const auto& b) {
    return a.playlists.size() > b.playlists.size();
  });
  return report;
}

}  // namespace plm::core
